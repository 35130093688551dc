#include "store/sqlite/connection.h"

#include <algorithm>
#include <exception>

#include "store/sqlite/wal_writes.h"

namespace reelpress::store::sqlite {
namespace {

using util::ErrorCode;
using util::fail;

ErrorCode code_for(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return ErrorCode::kConflict;
    default: break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:  // Foreign key, CHECK, NOT NULL: the value breaks a rule.
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH: return ErrorCode::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT: return ErrorCode::kCorrupt;
    case SQLITE_FULL: return ErrorCode::kNoSpace;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS: return ErrorCode::kIo;
    default: return ErrorCode::kInternal;  // SQLITE_ERROR (bad SQL), SQLITE_RANGE, SQLITE_MISUSE...
  }
}

bool only_whitespace(const char* begin, const char* end) {
  for (const char* p = begin; p < end; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return false;
  }
  return true;
}

}  // namespace

util::Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  // sqlite3_errmsg describes the last failed call on db, which is the one being reported;
  // without a handle (a failed open) only the code's generic text is known.
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message(context);
  if (!message.empty()) message += ": ";
  message += detail;
  return util::Error{code_for(rc), std::move(message)};
}

util::Error with_context(util::Error error, std::string_view context) {
  error.message = std::string(context) + ": " + error.message;
  return error;
}

// ---- Statement ---------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : statement_(other.statement_), slot_(other.slot_), bind_rc_(other.bind_rc_) {
  other.statement_ = nullptr;
  other.slot_ = nullptr;
}

Statement::~Statement() {
  if (statement_ == nullptr) return;
  if (slot_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    slot_->borrowed = false;
  } else {
    sqlite3_finalize(statement_);
  }
}

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::bind_int64(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(statement_, index, value));
}

void Statement::bind_text(int index, std::string_view value) {
  // SQLITE_TRANSIENT copies the bytes: the caller's string may be a temporary that dies before
  // step() runs. Embedded NUL bytes survive because the length is explicit.
  note_bind(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8));
}

void Statement::bind_null(int index) { note_bind(sqlite3_bind_null(statement_, index)); }

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  note_bind(sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) {
    // A bind only fails for a wrong index (a bug) or a value over SQLite's size limit.
    return fail(code_for(bind_rc_), std::string("binding a value: ") + sqlite3_errstr(bind_rc_));
  }
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(sqlite_error(sqlite3_db_handle(statement_), rc, {}));
}

Status Statement::run() {
  while (true) {
    auto row = step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return {};
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

int Statement::integer(int column) const { return sqlite3_column_int(statement_, column); }

std::string Statement::text(int column) const {
  // column_text before column_bytes, as SQLite asks: the length is of the converted text.
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (bytes == nullptr) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::string Statement::blob(int column) const {
  // column_blob before column_bytes, as for text; a zero-length blob comes back as null.
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  if (bytes == nullptr) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

// ---- Connection --------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Kind kind) {
  // No memory statistics: with them, every allocation SQLite makes takes one mutex shared by
  // all its connections: 4% of the comment writer's time went to locking and unlocking it.
  // Only possible before SQLite's first use; later (another library got there first) the
  // call fails and changes nothing, which is harmless.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  const std::string& filename = kind == Kind::kMemory ? std::string(":memory:") : path;
  sqlite3* db = nullptr;
  // NOMUTEX: SQLite need not lock the handle, since its owner lets one thread at a time in.
  // No SQLITE_OPEN_URI: a path is a file name, never a URI with options.
  // A file's log is written once per commit (wal_writes.h).
  const char* vfs = kind == Kind::kFile ? wal_writes_vfs() : nullptr;
  const int rc = sqlite3_open_v2(
      filename.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    util::Error error = sqlite_error(db, rc, "cannot open " + path);
    if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kIo;
    sqlite3_close_v2(db);
    return fail(std::move(error));
  }
  std::unique_ptr<Connection> connection(new Connection(db, path));

  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  int foreign_keys = 0;
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &foreign_keys);
  if (foreign_keys != 1) {
    return fail(ErrorCode::kInternal, "this SQLite library cannot enforce foreign keys");
  }
  // Defensive: no writable_schema or other ways to corrupt the file by SQL. Untrusted schema:
  // a database file handed to us cannot make its triggers or views call side-effect
  // functions. No double-quoted string literals, so a typo in a column name is an error.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  if (kind == Kind::kFile) {
    // Durability policy: see sqlite_store.h. In WAL mode NORMAL syncs at checkpoints only, so a
    // commit survives the process being killed but the last ones may be lost on power loss.
    // The first statement that reads the file: a damaged file fails here with kCorrupt.
    if (auto set = connection->execute("PRAGMA synchronous = NORMAL"); !set) {
      return fail(std::move(set.error()));
    }
    // Reads through a memory map instead of a pread() per page: a page render reads a few
    // hundred pages, and the system calls cost more than the work (an export of 2,631 pages
    // made 463,000 of them). The map is shared by every connection and is the operating
    // system's page cache itself, so it adds no copy of the file to the process.
    if (auto set = connection->execute("PRAGMA mmap_size = 1073741824"); !set) {
      return fail(std::move(set.error()));
    }
    // Checkpoint every 8,192 pages (32 MB of log) instead of SQLite's 1,000. A burst of
    // comments rewrites the same few pages (the tables' and indexes' last leaves) commit after
    // commit; a checkpoint copies each page once however often it changed, and syncs twice.
    // At 1,000 pages the checkpoints (their writes and fsyncs) took a quarter of the server's
    // time per comment.
    if (auto set =
            connection->execute("PRAGMA wal_autocheckpoint = " + std::to_string(kCheckpointPages));
        !set) {
      return fail(std::move(set.error()));
    }
  }
  // Savepoints and sorts spill to temporary files by default: a large import then makes a
  // write system call for every statement journal. Memory is cheap next to that.
  if (auto set = connection->execute("PRAGMA temp_store = MEMORY"); !set) {
    return fail(std::move(set.error()));
  }
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : statements_) sqlite3_finalize(cached.statement);
  // close_v2 rather than close: if a Statement were (wrongly) still alive, the handle becomes
  // a zombie freed with it instead of leaking or failing.
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end() && !found->second.borrowed) {
    found->second.borrowed = true;
    return Statement(found->second.statement, &found->second);
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    found == statements_.end() ? SQLITE_PREPARE_PERSISTENT : 0,
                                    &statement, &tail);
  if (rc != SQLITE_OK) {
    // The SQL is worth showing when it is at fault (a bug), not when the file is.
    util::Error error = sqlite_error(db_, rc, {});
    if (error.code == ErrorCode::kInternal) {
      error = with_context(std::move(error), "preparing \"" + std::string(sql) + "\"");
    }
    return fail(std::move(error));
  }
  if (statement == nullptr || !only_whitespace(tail, sql.data() + sql.size())) {
    sqlite3_finalize(statement);
    return fail(ErrorCode::kInternal,
                "prepare takes exactly one statement: \"" + std::string(sql) + "\"");
  }
  if (found == statements_.end()) {
    auto [slot, inserted] = statements_.emplace(std::string(sql), CachedStatement{statement, true});
    return Statement(statement, &slot->second);
  }
  return Statement(statement, nullptr);  // The cached one is in use: this one is private.
}

Status Connection::execute(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return fail(std::move(statement.error()));
  return statement->run();
}

Status Connection::execute_script(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  util::Error error{code_for(rc), message != nullptr ? message : sqlite3_errstr(rc)};
  sqlite3_free(message);
  return fail(std::move(error));
}

namespace {

// Runs body, turning an exception into an error: the transaction contract promises a
// rollback and an error value even when body throws.
Status run_body(const std::function<Status()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("transaction body threw: ") + e.what());
  } catch (...) {
    return fail(ErrorCode::kInternal, "transaction body threw a non-standard exception");
  }
}

}  // namespace

Status Connection::in_transaction(TransactionKind kind, const std::function<Status()>& body) {
  if (depth_ > 0 && kind == TransactionKind::kRead) return run_body(body);

  const bool outermost = depth_ == 0;
  // One savepoint name for every level: SQLite resolves a name to the innermost savepoint
  // carrying it, which is the one this call opened.
  const char* begin = !outermost                        ? "SAVEPOINT nested"
                      : kind == TransactionKind::kWrite ? "BEGIN IMMEDIATE"
                                                        : "BEGIN";
  if (auto begun = execute(begin); !begun) return begun;
  if (outermost) ++transactions_;

  const int level = ++depth_;
  Status result = run_body(body);
  --depth_;

  // SQLite ends the whole transaction by itself after some failures (I/O error, disk full,
  // out of memory); then there is nothing left to commit or roll back.
  const bool transaction_gone = sqlite3_get_autocommit(db_) != 0;
  if (result && transaction_gone) {
    result = fail(ErrorCode::kInternal,
                  "SQLite rolled the transaction back after an error that its body ignored");
  }
  if (result) {
    // COMMIT is where deferred foreign keys are checked: it can fail, and then the
    // transaction is still open and must be rolled back below.
    Status done = execute(outermost ? "COMMIT" : "RELEASE nested");
    if (done) {
      if (outermost) {
        undos_.clear();
      } else {
        // Released into the level around it: only that level's rollback undoes them now.
        for (Undo& undo : undos_) undo.depth = std::min(undo.depth, level - 1);
      }
      return done;
    }
    result = std::move(done);
  }
  if (!sqlite3_get_autocommit(db_)) {
    if (outermost) {
      (void)execute("ROLLBACK");
    } else {
      // ROLLBACK TO keeps the savepoint open; RELEASE then drops it, leaving the outer
      // transaction as it was before this call.
      (void)execute("ROLLBACK TO nested");
      (void)execute("RELEASE nested");
    }
  }
  // With no transaction left, SQLite rolled back every level (by itself, after an I/O error
  // or a full disk, or the ROLLBACK above).
  undo_from(sqlite3_get_autocommit(db_) != 0 ? 1 : level);
  return result;
}

void Connection::on_rollback(std::function<void()> undo) {
  if (depth_ == 0) return;
  undos_.push_back(Undo{depth_, std::move(undo)});
}

void Connection::undo_from(int depth) {
  while (!undos_.empty() && undos_.back().depth >= depth) {
    // Taken off the list before it runs, so that the list is whole whatever it does.
    std::function<void()> run = std::move(undos_.back().run);
    undos_.pop_back();
    run();
  }
}

}  // namespace reelpress::store::sqlite
