// One SQLite connection: its settings, its cache of prepared statements, and the transaction
// depth that lets nested transactions join the outer one. SqliteStore keeps one per calling
// thread (or one shared behind a mutex for ":memory:"); migrations use it too.
//
// Threading: a Connection is not thread-safe. Whoever owns it guarantees that one thread at a
// time uses it.
//
// Example:
//   auto connection = Connection::open("site/content.db", Connection::Kind::kFile);
//   auto statement = (*connection)->prepare("SELECT title FROM films WHERE slug = ?1");
//   statement->bind(1, "salt-road");
//   while (auto row = statement->step(); row && *row) use(statement->text(0));
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/result.h"

namespace reelpress::store::sqlite {

using util::Result;
using util::Status;

// The store's error for a SQLite result code. Uniqueness violations are kConflict, other
// constraint violations kInvalidArgument, busy/locked kUnavailable, damaged or foreign files
// kCorrupt, file system failures kIo. `context` leads the message ("save entry 4990").
util::Error sqlite_error(sqlite3* db, int rc, std::string_view context);

// Prefixes an error's message with what was being done, keeping its code.
util::Error with_context(util::Error error, std::string_view context);

// A statement in a Connection's cache, and whether a Statement currently borrows it.
struct CachedStatement {
  sqlite3_stmt* statement = nullptr;
  bool borrowed = false;
};

// A prepared statement borrowed from a Connection's cache. Values are bound, never spliced
// into the SQL. On destruction the statement is reset and its bindings cleared, so it can be
// borrowed again; it must not outlive its Connection.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds a value to ?index (1-based) or to a named parameter (":name"). Integers, bool (as
  // 0/1), anything convertible to std::string_view (as TEXT), std::nullopt and
  // std::optional of those (empty: NULL). A bind error is reported by the next step().
  template <typename T>
  Statement& bind(int index, const T& value);
  template <typename T>
  Statement& bind(const char* name, const T& value) {
    return bind(sqlite3_bind_parameter_index(statement_, name), value);
  }
  // Binds bytes as a BLOB (bind() binds strings as TEXT, which STRICT BLOB columns refuse).
  Statement& bind_blob(int index, std::string_view bytes);
  // Binds ?1, ?2, ... in order.
  template <typename... Args>
  Statement& bind_all(const Args&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  // Advances to the next row: true when a row is ready, false when the statement is done.
  Result<bool> step();
  // Runs a statement that returns no rows (or whose rows do not matter) to completion.
  Status run();

  // Column accessors for the current row; `column` is 0-based.
  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  int integer(int column) const;
  bool boolean(int column) const { return int64(column) != 0; }
  std::string text(int column) const;
  std::string blob(int column) const;  // The bytes of a BLOB (or of any value) as they are.
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  friend class Connection;
  // `slot` is the cache entry the statement is borrowed from, or null when this Statement
  // owns (and finalizes) it.
  Statement(sqlite3_stmt* statement, CachedStatement* slot) : statement_(statement), slot_(slot) {}

  void bind_int64(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);
  void bind_null(int index);
  void note_bind(int rc);

  sqlite3_stmt* statement_;
  CachedStatement* slot_;
  int bind_rc_ = SQLITE_OK;  // The first bind failure, reported by step().
};

class Connection {
 public:
  enum class Kind {
    kFile,    // A database file; WAL and synchronous=NORMAL (see sqlite_store.h).
    kMemory,  // A private in-memory database, gone when the connection closes.
  };
  enum class TransactionKind {
    kRead,   // BEGIN (deferred): a consistent snapshot for several SELECTs.
    kWrite,  // BEGIN IMMEDIATE: takes the write lock up front, so two writers never
             // deadlock upgrading read locks; a busy writer waits up to kBusyTimeoutMs.
  };

  // How long a connection waits for another connection's (or process's) write lock before
  // failing with kUnavailable; a CLI command writing while the server runs waits this long.
  static constexpr int kBusyTimeoutMs = 5000;
  // The log's size, in pages, past which it is checkpointed (wal_autocheckpoint; the store's
  // writer hands it to a Checkpointer instead).
  static constexpr int kCheckpointPages = 8192;

  // Opens and configures a connection: extended result codes, busy timeout, foreign keys on,
  // defensive mode, untrusted schema, synchronous=NORMAL (files). Errors: kIo when the path
  // cannot be opened (missing folder, no permission); kCorrupt when the file is not a SQLite
  // database (setting synchronous is the first read of it).
  static Result<std::unique_ptr<Connection>> open(const std::string& path, Kind kind);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Borrows the cached statement for `sql`, preparing it on first use. If that statement is
  // already borrowed (a query running while another uses the same SQL), a fresh one is
  // prepared for this use only.
  Result<Statement> prepare(std::string_view sql);

  // Runs one fixed statement that takes no values (BEGIN, a pragma).
  Status execute(std::string_view sql);
  // Runs a script of fixed statements (a migration step). Not cached.
  Status execute_script(const std::string& sql);

  // Runs body inside a transaction. At depth 0 it begins one (per kind) and commits it when
  // body succeeds; nested calls join it through a SAVEPOINT, so a failed nested body undoes
  // only its own writes and the outer body decides what to do with its error. On an error or
  // exception from body, its writes are rolled back and the error returned (an exception
  // becomes kInternal). A kRead call nested in anything just runs body.
  Status in_transaction(TransactionKind kind, const std::function<Status()>& body);
  bool in_transaction() const { return depth_ > 0; }
  // Counts the outermost transactions begun on this connection: the current one's number
  // inside it.
  std::uint64_t transaction_serial() const { return transactions_; }

  // Keeps memory in step with the file: `undo` runs if the writes made so far in the
  // innermost transaction or savepoint open now are rolled back (by it, or by one around it),
  // and is forgotten once the outermost transaction commits. Undos run newest first. Outside
  // a transaction, a statement's write is committed at once: there is nothing to undo.
  void on_rollback(std::function<void()> undo);

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  // Heterogeneous lookup, so finding a statement by its SQL allocates nothing.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };

  sqlite3* db_;
  std::string path_;
  // Node-based: a CachedStatement keeps its address while others are added, so a Statement
  // can point at the slot it borrowed.
  std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> statements_;
  // Runs the undos of the levels from `depth` in, newest first, and forgets them.
  void undo_from(int depth);

  int depth_ = 0;  // Transactions open on this connection: 0 none, 1 BEGIN, >1 savepoints.
  std::uint64_t transactions_ = 0;
  struct Undo {
    int depth;  // The level whose rollback undoes it.
    std::function<void()> run;
  };
  std::vector<Undo> undos_;  // In the order registered.
};

template <typename T>
Statement& Statement::bind(int index, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    bind_int64(index, value ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    bind_int64(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
    bind_null(index);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    bind_text(index, std::string_view(value));
  } else if constexpr (requires {
                         value.has_value();
                         *value;
                       }) {
    if (value.has_value()) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  } else {
    static_assert(sizeof(T) == 0, "no SQLite binding for this type");
  }
  return *this;
}

}  // namespace reelpress::store::sqlite
