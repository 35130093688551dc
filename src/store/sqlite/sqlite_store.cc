#include "store/sqlite/sqlite_store.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace reelpress::store::sqlite {

using content::Category;
using content::Comment;
using content::Entry;
using content::Film;
using content::Media;
using content::ModerationStatus;
using content::Organization;
using content::Redirect;
using content::Revision;
using content::Session;
using content::Tag;
using content::User;
using util::ErrorCode;
using util::fail;

// ---- Connections per thread ------------------------------------------------------------
//
// A file store keeps its connections in a ConnectionPool, one per thread. The calling thread
// finds its own through a thread_local table keyed by the store's serial number, so the
// common path takes no lock. When a thread exits, its table's destructor closes the thread's
// connection in every store still alive; when a store dies, the pool closes the rest. The
// pool is shared (store + weak references from thread tables) so that whichever goes first,
// the other finds out safely.

class ConnectionPool {
 public:
  Connection* add(std::thread::id thread, std::unique_ptr<Connection> connection) {
    Connection* raw = connection.get();
    std::lock_guard lock(mutex_);
    connections_[thread] = std::move(connection);
    return raw;
  }

  void remove(std::thread::id thread) {
    std::unique_ptr<Connection> closing;
    {
      std::lock_guard lock(mutex_);
      auto found = connections_.find(thread);
      if (found == connections_.end()) return;
      closing = std::move(found->second);
      connections_.erase(found);
    }
    // Closed outside the lock: closing may checkpoint the WAL, which takes a while.
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections_;
};

namespace {

class ThreadConnections {
 public:
  ThreadConnections() = default;
  ThreadConnections(const ThreadConnections&) = delete;
  ThreadConnections& operator=(const ThreadConnections&) = delete;

  ~ThreadConnections() {
    const auto self = std::this_thread::get_id();
    for (auto& [serial, slot] : slots_) {
      if (auto pool = slot.pool.lock()) pool->remove(self);
    }
  }

  Connection* find(std::uint64_t serial) const {
    auto found = slots_.find(serial);
    return found == slots_.end() ? nullptr : found->second.connection;
  }

  void add(std::uint64_t serial, std::weak_ptr<ConnectionPool> pool, Connection* connection) {
    // Forget stores that are gone, so a long-lived thread does not collect slots forever.
    std::erase_if(slots_, [](const auto& item) { return item.second.pool.expired(); });
    slots_[serial] = Slot{std::move(pool), connection};
  }

 private:
  struct Slot {
    std::weak_ptr<ConnectionPool> pool;
    Connection* connection;  // Owned by the pool; valid while the store lives.
  };
  std::unordered_map<std::uint64_t, Slot> slots_;
};

ThreadConnections& thread_connections() {
  thread_local ThreadConnections connections;
  return connections;
}

std::atomic<std::uint64_t> next_serial{1};

}  // namespace

class SqliteStore::Lease {
 public:
  Lease(Connection* connection, std::unique_lock<std::recursive_mutex> turn)
      : connection_(connection), turn_(std::move(turn)) {}
  Connection& connection() const { return *connection_; }

 private:
  Connection* connection_;
  std::unique_lock<std::recursive_mutex> turn_;  // Held for ":memory:" only.
};

class SqliteStore::WriteLease {
 public:
  WriteLease(Lease lease, std::unique_lock<std::mutex> write_turn,
             std::atomic<std::thread::id>* writer_thread)
      : lease_(std::move(lease)),
        write_turn_(std::move(write_turn)),
        writer_thread_(writer_thread) {}
  WriteLease(WriteLease&&) = default;
  WriteLease& operator=(WriteLease&&) = delete;
  // Gives the turn back: this thread is no longer the writer, then the next may take it.
  ~WriteLease() {
    if (write_turn_.owns_lock()) writer_thread_->store(std::thread::id());
  }
  Connection& connection() const { return lease_.connection(); }

 private:
  Lease lease_;
  std::unique_lock<std::mutex> write_turn_;  // Empty for ":memory:" and for nested writes.
  std::atomic<std::thread::id>* writer_thread_;
};

// ---- Opening ---------------------------------------------------------------------------

namespace {

// Switching a new file to WAL upgrades a read lock to the write lock outside a transaction:
// the one case where SQLite says "busy" at once instead of waiting, since two connections
// waiting for each other's upgrade would deadlock. When two processes open a new site at the
// same moment (the server and a CLI command), the one told "busy" retries here until the busy
// timeout; by then the other has usually switched the file already.
Status switch_to_wal(Connection& connection) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(Connection::kBusyTimeoutMs);
  while (true) {
    auto mode = connection.prepare("PRAGMA journal_mode = WAL");
    if (!mode) return fail(std::move(mode.error()));
    auto row = mode->step();
    if (row) {
      if (*row && mode->text(0) == "wal") return {};
      return fail(ErrorCode::kIo,
                  "cannot switch to WAL journal mode (the file system may not support the "
                  "shared memory it needs)");
    }
    if (row.error().code != ErrorCode::kUnavailable ||
        std::chrono::steady_clock::now() > deadline) {
      return fail(std::move(row.error()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

SqliteStore::SqliteStore(std::string path, const util::Clock& clock)
    : path_(std::move(path)),
      clock_(clock),
      memory_(path_ == ":memory:"),
      serial_(next_serial.fetch_add(1)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const util::Clock& clock) {
  if (path.empty()) return fail(ErrorCode::kInvalidArgument, "no database path given");
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, clock));
  // The first statements that read the file are where a file that is not a database shows.
  auto not_a_database = [&](util::Error error) {
    if (error.code == ErrorCode::kCorrupt) {
      error.message = path + " is not a reelpress database (" + error.message + ")";
    } else {
      error = with_context(std::move(error), path);
    }
    return fail(std::move(error));
  };
  auto connection =
      Connection::open(path, store->memory_ ? Connection::Kind::kMemory : Connection::Kind::kFile);
  if (!connection) {
    if (connection.error().code == ErrorCode::kIo) return fail(std::move(connection.error()));
    return not_a_database(std::move(connection.error()));
  }
  Connection& first = **connection;

  if (!store->memory_) {
    // SQLite falls back to read-only when the file is not writable; a store that cannot
    // write is useless, so say so now rather than at the first comment.
    if (sqlite3_db_readonly(first.handle(), "main") == 1) {
      return fail(ErrorCode::kIo, path + " is read-only");
    }
    if (auto wal = switch_to_wal(first); !wal) return not_a_database(std::move(wal.error()));
  }
  REELPRESS_RETURN_IF_ERROR(migrate(first, path));

  if (store->memory_) {
    store->memory_connection_ = std::move(*connection);
  } else {
    // The opening thread keeps its connection: it is likely to call next.
    store->pool_ = std::make_shared<ConnectionPool>();
    Connection* kept = store->pool_->add(std::this_thread::get_id(), std::move(*connection));
    thread_connections().add(store->serial_, store->pool_, kept);
    store->checkpointer_ = std::make_unique<Checkpointer>(path, Connection::kCheckpointPages);
  }
  return store;
}

std::size_t SqliteStore::open_connection_count() const {
  if (memory_) return 1;
  // writer_ is read without the write turn: a count for tests and diagnostics, taken when no
  // write runs.
  return pool_->size() + (writer_ ? 1 : 0);
}

Result<SqliteStore::Lease> SqliteStore::lease() {
  if (memory_) {
    return Lease(memory_connection_.get(), std::unique_lock(memory_mutex_));
  }
  // Inside a write (a transaction's body reading what it wrote): the writer connection, which
  // this thread holds the turn for.
  if (writer_thread_.load(std::memory_order_acquire) == std::this_thread::get_id()) {
    return Lease(writer_.get(), {});
  }
  ThreadConnections& mine = thread_connections();
  if (Connection* connection = mine.find(serial_)) return Lease(connection, {});
  auto opened = Connection::open(path_, Connection::Kind::kFile);
  if (!opened) {
    if (opened.error().code == ErrorCode::kIo) return fail(std::move(opened.error()));
    return fail(with_context(std::move(opened.error()), path_));
  }
  Connection* connection = pool_->add(std::this_thread::get_id(), std::move(*opened));
  mine.add(serial_, pool_, connection);
  return Lease(connection, {});
}

template <typename T, typename Fn>
Result<T> SqliteStore::read(Fn&& fn) {
  auto lease = this->lease();
  if (!lease) return fail(std::move(lease.error()));
  Connection& connection = lease->connection();
  if constexpr (std::is_void_v<T>) {
    return connection.in_transaction(Connection::TransactionKind::kRead,
                                     [&]() -> Status { return fn(connection); });
  } else {
    std::optional<T> value;
    REELPRESS_RETURN_IF_ERROR(
        connection.in_transaction(Connection::TransactionKind::kRead, [&]() -> Status {
          Result<T> result = fn(connection);
          if (!result) return fail(std::move(result.error()));
          value = std::move(*result);
          return {};
        }));
    return std::move(*value);
  }
}

Result<SqliteStore::WriteLease> SqliteStore::write_lease() {
  const auto self = std::this_thread::get_id();
  if (memory_ || writer_thread_.load(std::memory_order_acquire) == self) {
    auto joined = lease();
    if (!joined) return fail(std::move(joined.error()));
    return WriteLease(std::move(*joined), {}, &writer_thread_);
  }
  std::unique_lock turn(write_turn_);
  if (!writer_) {
    auto opened = Connection::open(path_, Connection::Kind::kFile);
    if (!opened) {
      if (opened.error().code == ErrorCode::kIo) return fail(std::move(opened.error()));
      return fail(with_context(std::move(opened.error()), path_));
    }
    // The writer's pages stay cached from one transaction to the next (readers' connections
    // come and go from the pool). SQLite's 2 MB did not hold the replay digests' B-tree: a
    // comment's digest lookup read pages back from the log with pread(), once in three posts.
    if (auto set = (*opened)->execute("PRAGMA cache_size = -" + std::to_string(kWriterCacheKiB));
        !set) {
      return fail(std::move(set.error()));
    }
    writer_ = std::move(*opened);
    checkpointer_->watch(*writer_);
  }
  writer_thread_.store(self, std::memory_order_release);
  return WriteLease(Lease(writer_.get(), {}), std::move(turn), &writer_thread_);
}

template <typename T, typename Fn>
Result<T> SqliteStore::write(Fn&& fn, Joining joining) {
  auto lease = this->write_lease();
  if (!lease) return fail(std::move(lease.error()));
  Connection& connection = lease->connection();
  // What the body throws then reaches the caller's transaction, which rolls its level back.
  if (joining == Joining::kOneStatement && connection.in_transaction()) return fn(connection);
  if constexpr (std::is_void_v<T>) {
    return connection.in_transaction(Connection::TransactionKind::kWrite,
                                     [&]() -> Status { return fn(connection); });
  } else {
    std::optional<T> value;
    REELPRESS_RETURN_IF_ERROR(
        connection.in_transaction(Connection::TransactionKind::kWrite, [&]() -> Status {
          Result<T> result = fn(connection);
          if (!result) return fail(std::move(result.error()));
          value = std::move(*result);
          return {};
        }));
    return std::move(*value);
  }
}

Status SqliteStore::transaction(const std::function<Status()>& body) {
  auto lease = this->write_lease();
  if (!lease) return fail(std::move(lease.error()));
  return lease->connection().in_transaction(Connection::TransactionKind::kWrite, body);
}

Result<std::int64_t> SqliteStore::change_counter() {
  return read<std::int64_t>([](Connection& c) -> Result<std::int64_t> {
    auto statement = c.prepare("SELECT value FROM change_counter WHERE id = 1");
    if (!statement) return fail(std::move(statement.error()));
    auto row = statement->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return fail(ErrorCode::kCorrupt, "the change_counter row is missing");
    return statement->int64(0);
  });
}

// ---- Helpers shared by the queries -------------------------------------------------------

namespace {

// NULL for "assign one" (0), so SQLite picks the next id.
std::optional<Id> id_or_null(Id id) { return id == 0 ? std::nullopt : std::optional<Id>(id); }

Status check_id(Id id, std::string_view what) {
  if (id < 0) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(what) + " id " + std::to_string(id) + " is negative");
  }
  return {};
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Steps to the first row; kNotFound naming `what` when there is none.
Status first_row(Statement& statement, const std::string& what) {
  auto row = statement.step();
  if (!row) return fail(std::move(row.error()));
  if (!*row) return fail(ErrorCode::kNotFound, what);
  return {};
}

// Reads every remaining row with read_row (which returns Result<T>).
template <typename T, typename ReadRow>
Result<std::vector<T>> collect(Statement& statement, ReadRow read_row) {
  std::vector<T> out;
  while (true) {
    auto row = statement.step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return out;
    Result<T> value = read_row(statement);
    if (!value) return fail(std::move(value.error()));
    out.push_back(std::move(*value));
  }
}

// An INSERT ... RETURNING id: steps to the row and then to completion.
Result<Id> returned_id(Statement& statement) {
  REELPRESS_RETURN_IF_ERROR(first_row(statement, "returned id"));
  const Id id = statement.int64(0);
  REELPRESS_RETURN_IF_ERROR(statement.run());
  return id;
}

// kNotFound unless a row with this id exists in the table (a literal from this file).
Status require_row(Connection& c, std::string_view exists_sql, Id id, const std::string& what) {
  auto statement = c.prepare(exists_sql);
  if (!statement) return fail(std::move(statement.error()));
  statement->bind(1, id);
  return first_row(*statement, what);
}

constexpr std::string_view kEntryExists = "SELECT 1 FROM entries WHERE id = ?1";

std::string entry_name(Id id) { return "entry " + std::to_string(id); }

// Parses a stored enumeration name; an unknown one means a newer or damaged database.
template <typename E, typename Parse>
Result<E> parse_column(const Statement& statement, int column, Parse parse, std::string_view what) {
  const std::string name = statement.text(column);
  std::optional<E> value = parse(name);
  if (!value) {
    return fail(ErrorCode::kCorrupt, std::string(what) + " has an unknown value " + quoted(name));
  }
  return *value;
}

// The ids in their first positions, duplicates dropped (the tables are unique per entry).
std::vector<Id> distinct(const std::vector<Id>& ids) {
  std::vector<Id> out;
  out.reserve(ids.size());
  for (Id id : ids) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

}  // namespace

// ---- Films -------------------------------------------------------------------------------

namespace {

Result<Film> read_film(const Statement& s) {
  Film film;
  film.id = s.int64(0);
  film.slug = s.text(1);
  film.title = s.text(2);
  film.air_date = s.text(3);
  film.runtime_minutes = s.integer(4);
  film.synopsis = s.text(5);
  film.credits = s.text(6);
  film.poster = s.text(7);
  film.position = s.integer(8);
  return film;
}

Status load_press_quotes(Connection& c, Film& film) {
  auto statement =
      c.prepare("SELECT text, source FROM press_quotes WHERE film_id = ?1 ORDER BY position");
  if (!statement) return fail(std::move(statement.error()));
  statement->bind(1, film.id);
  auto quotes = collect<content::PressQuote>(*statement, [](const Statement& s) {
    return Result<content::PressQuote>(content::PressQuote{s.text(0), s.text(1)});
  });
  if (!quotes) return fail(std::move(quotes.error()));
  film.press_quotes = std::move(*quotes);
  return {};
}

Result<Film> film_where(Connection& c, std::string_view sql, const auto& key,
                        const std::string& what) {
  auto statement = c.prepare(sql);
  if (!statement) return fail(std::move(statement.error()));
  statement->bind(1, key);
  REELPRESS_RETURN_IF_ERROR(first_row(*statement, what));
  auto film = read_film(*statement);
  if (!film) return film;
  REELPRESS_RETURN_IF_ERROR(statement->run());
  REELPRESS_RETURN_IF_ERROR(load_press_quotes(c, *film));
  return film;
}

}  // namespace

Result<Id> SqliteStore::save_film(const Film& film) {
  REELPRESS_RETURN_IF_ERROR(check_id(film.id, "film"));
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto upsert = c.prepare(
               "INSERT INTO films (id, slug, title, air_date, runtime_minutes, synopsis, "
               "credits, poster, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
               "ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title, "
               "air_date = excluded.air_date, runtime_minutes = excluded.runtime_minutes, "
               "synopsis = excluded.synopsis, credits = excluded.credits, "
               "poster = excluded.poster, position = excluded.position RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(film.id), film.slug, film.title, film.air_date,
                            film.runtime_minutes, film.synopsis, film.credits, film.poster,
                            film.position);
           auto id = returned_id(*upsert);
           if (!id) return id;

           auto clear = c.prepare("DELETE FROM press_quotes WHERE film_id = ?1");
           if (!clear) return fail(std::move(clear.error()));
           REELPRESS_RETURN_IF_ERROR(clear->bind(1, *id).run());
           for (std::size_t i = 0; i < film.press_quotes.size(); ++i) {
             auto insert = c.prepare(
                 "INSERT INTO press_quotes (film_id, position, text, source) "
                 "VALUES (?1, ?2, ?3, ?4)");
             if (!insert) return fail(std::move(insert.error()));
             insert->bind_all(*id, static_cast<std::int64_t>(i), film.press_quotes[i].text,
                              film.press_quotes[i].source);
             REELPRESS_RETURN_IF_ERROR(insert->run());
           }
           return id;
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save film " + quoted(film.slug));
      });
}

Result<Film> SqliteStore::film_by_id(Id id) {
  return read<Film>([&](Connection& c) {
    return film_where(c,
                      "SELECT id, slug, title, air_date, runtime_minutes, synopsis, credits, "
                      "poster, position FROM films WHERE id = ?1",
                      id, "film " + std::to_string(id));
  });
}

Result<Film> SqliteStore::film_by_slug(const std::string& slug) {
  return read<Film>([&](Connection& c) {
    return film_where(c,
                      "SELECT id, slug, title, air_date, runtime_minutes, synopsis, credits, "
                      "poster, position FROM films WHERE slug = ?1",
                      slug, "film " + quoted(slug));
  });
}

Result<std::vector<Film>> SqliteStore::films() {
  return read<std::vector<Film>>([&](Connection& c) -> Result<std::vector<Film>> {
    auto statement = c.prepare(
        "SELECT id, slug, title, air_date, runtime_minutes, synopsis, credits, poster, position "
        "FROM films ORDER BY position, id");
    if (!statement) return fail(std::move(statement.error()));
    auto films = collect<Film>(*statement, read_film);
    if (!films) return films;
    // Every quote in one query rather than one query per film.
    auto quotes =
        c.prepare("SELECT film_id, text, source FROM press_quotes ORDER BY film_id, position");
    if (!quotes) return fail(std::move(quotes.error()));
    std::unordered_map<Id, Film*> by_id;
    for (Film& film : *films) by_id[film.id] = &film;
    while (true) {
      auto row = quotes->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      if (auto found = by_id.find(quotes->int64(0)); found != by_id.end()) {
        found->second->press_quotes.push_back({quotes->text(1), quotes->text(2)});
      }
    }
    return films;
  });
}

// ---- Categories and tags -----------------------------------------------------------------

namespace {

Result<Category> read_category(const Statement& s) {
  Category category;
  category.id = s.int64(0);
  category.parent_id = s.optional_int64(1);
  category.slug = s.text(2);
  category.name = s.text(3);
  category.description = s.text(4);
  return category;
}

Result<Tag> read_tag(const Statement& s) { return Tag{s.int64(0), s.text(1), s.text(2)}; }

}  // namespace

Result<Id> SqliteStore::save_category(const Category& category) {
  REELPRESS_RETURN_IF_ERROR(check_id(category.id, "category"));
  return write<Id>([&](Connection& c) -> Result<Id> {
           if (category.id != 0 && category.parent_id) {
             // A category may not become its own ancestor: the tree would turn into a loop.
             auto cycle = c.prepare(
                 "WITH RECURSIVE ancestors(id) AS (SELECT ?1 UNION SELECT c.parent_id "
                 "FROM categories c JOIN ancestors a ON c.id = a.id "
                 "WHERE c.parent_id IS NOT NULL) SELECT 1 FROM ancestors WHERE id = ?2");
             if (!cycle) return fail(std::move(cycle.error()));
             cycle->bind_all(*category.parent_id, category.id);
             auto row = cycle->step();
             if (!row) return fail(std::move(row.error()));
             if (*row) {
               return fail(ErrorCode::kInvalidArgument,
                           "category " + std::to_string(*category.parent_id) +
                               " cannot be the parent: it is the category itself or below it");
             }
           }
           auto upsert = c.prepare(
               "INSERT INTO categories (id, parent_id, slug, name, description) "
               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
               "parent_id = excluded.parent_id, slug = excluded.slug, name = excluded.name, "
               "description = excluded.description RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(category.id), category.parent_id, category.slug,
                            category.name, category.description);
           return returned_id(*upsert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save category " + quoted(category.slug));
      });
}

Result<Category> SqliteStore::category_by_id(Id id) {
  return read<Category>([&](Connection& c) -> Result<Category> {
    auto statement =
        c.prepare("SELECT id, parent_id, slug, name, description FROM categories WHERE id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "category " + std::to_string(id)));
    return read_category(*statement);
  });
}

Result<std::vector<Category>> SqliteStore::categories() {
  return read<std::vector<Category>>([&](Connection& c) -> Result<std::vector<Category>> {
    auto statement =
        c.prepare("SELECT id, parent_id, slug, name, description FROM categories ORDER BY id");
    if (!statement) return fail(std::move(statement.error()));
    return collect<Category>(*statement, read_category);
  });
}

Result<Id> SqliteStore::save_tag(const Tag& tag) {
  REELPRESS_RETURN_IF_ERROR(check_id(tag.id, "tag"));
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto upsert = c.prepare(
               "INSERT INTO tags (id, slug, name) VALUES (?1, ?2, ?3) ON CONFLICT (id) "
               "DO UPDATE SET slug = excluded.slug, name = excluded.name RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(tag.id), tag.slug, tag.name);
           return returned_id(*upsert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save tag " + quoted(tag.slug));
      });
}

Result<Tag> SqliteStore::tag_by_id(Id id) {
  return read<Tag>([&](Connection& c) -> Result<Tag> {
    auto statement = c.prepare("SELECT id, slug, name FROM tags WHERE id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "tag " + std::to_string(id)));
    return read_tag(*statement);
  });
}

Result<Tag> SqliteStore::tag_by_slug(const std::string& slug) {
  return read<Tag>([&](Connection& c) -> Result<Tag> {
    auto statement = c.prepare("SELECT id, slug, name FROM tags WHERE slug = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, slug);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "tag " + quoted(slug)));
    return read_tag(*statement);
  });
}

Result<std::vector<Tag>> SqliteStore::tags() {
  return read<std::vector<Tag>>([&](Connection& c) -> Result<std::vector<Tag>> {
    auto statement = c.prepare("SELECT id, slug, name FROM tags ORDER BY name, id");
    if (!statement) return fail(std::move(statement.error()));
    return collect<Tag>(*statement, read_tag);
  });
}

// ---- Entries -----------------------------------------------------------------------------

namespace {

// The columns read_entry expects, in its order, for a query over `entries e`.
#define REELPRESS_ENTRY_COLUMNS                                                            \
  "e.id, e.slug, e.title, e.kicker, e.kind, e.status, e.password, e.body_format, e.body, " \
  "e.body_html, e.excerpt, e.published_at, e.modified_at, e.author_id, e.film_id, "        \
  "e.parent_id, e.menu_order, e.sticky, e.comments_open, e.pings_open"

Result<Entry> read_entry(const Statement& s) {
  Entry entry;
  entry.id = s.int64(0);
  const std::string what = entry_name(entry.id);
  entry.slug = s.text(1);
  entry.title = s.text(2);
  entry.kicker = s.text(3);
  auto kind = parse_column<content::EntryKind>(s, 4, content::parse_entry_kind, what + " kind");
  if (!kind) return fail(std::move(kind.error()));
  entry.kind = *kind;
  auto status =
      parse_column<content::EntryStatus>(s, 5, content::parse_entry_status, what + " status");
  if (!status) return fail(std::move(status.error()));
  entry.status = *status;
  entry.password = s.text(6);
  auto format =
      parse_column<content::BodyFormat>(s, 7, content::parse_body_format, what + " format");
  if (!format) return fail(std::move(format.error()));
  entry.body_format = *format;
  entry.body = s.text(8);
  entry.body_html = s.text(9);
  entry.excerpt = s.text(10);
  entry.published_at = s.int64(11);
  entry.modified_at = s.int64(12);
  entry.author_id = s.optional_int64(13);
  entry.film_id = s.optional_int64(14);
  entry.parent_id = s.optional_int64(15);
  entry.menu_order = s.integer(16);
  entry.sticky = s.boolean(17);
  entry.comments_open = s.boolean(18);
  entry.pings_open = s.boolean(19);
  return entry;
}

Result<std::vector<Id>> ids_of(Connection& c, std::string_view sql, Id entry_id) {
  auto statement = c.prepare(sql);
  if (!statement) return fail(std::move(statement.error()));
  statement->bind(1, entry_id);
  return collect<Id>(*statement, [](const Statement& s) { return Result<Id>(s.int64(0)); });
}

Status load_relations(Connection& c, Entry& entry) {
  auto categories =
      ids_of(c, "SELECT category_id FROM entry_categories WHERE entry_id = ?1 ORDER BY position",
             entry.id);
  if (!categories) return fail(std::move(categories.error()));
  entry.category_ids = std::move(*categories);
  auto tags =
      ids_of(c, "SELECT tag_id FROM entry_tags WHERE entry_id = ?1 ORDER BY position", entry.id);
  if (!tags) return fail(std::move(tags.error()));
  entry.tag_ids = std::move(*tags);
  auto organizations = ids_of(
      c, "SELECT organization_id FROM entry_organizations WHERE entry_id = ?1 ORDER BY position",
      entry.id);
  if (!organizations) return fail(std::move(organizations.error()));
  entry.organization_ids = std::move(*organizations);

  auto sections = c.prepare(
      "SELECT heading, body, body_html FROM entry_sections WHERE entry_id = ?1 "
      "ORDER BY position");
  if (!sections) return fail(std::move(sections.error()));
  sections->bind(1, entry.id);
  auto read = collect<content::Section>(*sections, [](const Statement& s) {
    return Result<content::Section>(content::Section{s.text(0), s.text(1), s.text(2)});
  });
  if (!read) return fail(std::move(read.error()));
  entry.sections = std::move(*read);
  return {};
}

// Runs a query over `entries e` and returns whole entries. The rows are read first and the
// relations loaded after, so the query's statement is done before others run.
Result<std::vector<Entry>> whole_entries(Connection& c, Statement& statement) {
  auto entries = collect<Entry>(statement, read_entry);
  if (!entries) return entries;
  for (Entry& entry : *entries) REELPRESS_RETURN_IF_ERROR(load_relations(c, entry));
  return entries;
}

// The stored entry with this id, relations included; nullopt when there is none.
Result<std::optional<Entry>> stored_entry(Connection& c, Id id) {
  auto statement = c.prepare("SELECT " REELPRESS_ENTRY_COLUMNS " FROM entries e WHERE e.id = ?1");
  if (!statement) return fail(std::move(statement.error()));
  statement->bind(1, id);
  auto entries = whole_entries(c, *statement);
  if (!entries) return fail(std::move(entries.error()));
  if (entries->empty()) return std::optional<Entry>();
  return std::optional<Entry>(std::move(entries->front()));
}

// The part of an entry its `entries` row holds: relations and sections cleared, as they live
// in tables of their own and are compared there.
Entry row_part(Entry entry) {
  entry.category_ids.clear();
  entry.tag_ids.clear();
  entry.sections.clear();
  entry.organization_ids.clear();
  return entry;
}

// One of an entry's lists of links (entry_categories, entry_tags, entry_organizations).
struct LinkTable {
  std::string_view remove_sql;  // ?1 entry, ?2 position.
  std::string_view insert_sql;  // ?1 entry, ?2 position, ?3 linked id.
};

constexpr LinkTable kCategoryLinks{
    "DELETE FROM entry_categories WHERE entry_id = ?1 AND position = ?2",
    "INSERT INTO entry_categories (entry_id, position, category_id) VALUES (?1, ?2, ?3)"};
constexpr LinkTable kTagLinks{
    "DELETE FROM entry_tags WHERE entry_id = ?1 AND position = ?2",
    "INSERT INTO entry_tags (entry_id, position, tag_id) VALUES (?1, ?2, ?3)"};
constexpr LinkTable kOrganizationLinks{
    "DELETE FROM entry_organizations WHERE entry_id = ?1 AND position = ?2",
    "INSERT INTO entry_organizations (entry_id, position, organization_id) VALUES (?1, ?2, ?3)"};

// Writes only the positions where `after` differs from the stored `before`: every row written
// moves the change counter, and caches drop pages for each, so an unchanged list must cost
// nothing. Changed positions are all deleted before any is inserted, so that ids trading
// places never meet the table's UNIQUE (entry_id, linked id) halfway.
Status write_link_changes(Connection& c, const LinkTable& table, Id entry_id,
                          const std::vector<Id>& before, const std::vector<Id>& after) {
  const auto changed = [&](std::size_t i) {
    return i >= before.size() || i >= after.size() || before[i] != after[i];
  };
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!changed(i)) continue;
    auto remove = c.prepare(table.remove_sql);
    if (!remove) return fail(std::move(remove.error()));
    REELPRESS_RETURN_IF_ERROR(remove->bind_all(entry_id, static_cast<std::int64_t>(i)).run());
  }
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (!changed(i)) continue;
    auto insert = c.prepare(table.insert_sql);
    if (!insert) return fail(std::move(insert.error()));
    REELPRESS_RETURN_IF_ERROR(
        insert->bind_all(entry_id, static_cast<std::int64_t>(i), after[i]).run());
  }
  return {};
}

// The same for sections, which have no uniqueness beyond their position: a changed one is
// updated in place (one row written, not two).
Status write_section_changes(Connection& c, Id entry_id,
                             const std::vector<content::Section>& before,
                             const std::vector<content::Section>& after) {
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (i < before.size() && before[i] == after[i]) continue;
    const content::Section& section = after[i];
    auto write =
        c.prepare(i < before.size()
                      ? "UPDATE entry_sections SET heading = ?3, body = ?4, body_html = ?5 "
                        "WHERE entry_id = ?1 AND position = ?2"
                      : "INSERT INTO entry_sections (entry_id, position, heading, body, body_html) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!write) return fail(std::move(write.error()));
    write->bind_all(entry_id, static_cast<std::int64_t>(i), section.heading, section.body,
                    section.body_html);
    REELPRESS_RETURN_IF_ERROR(write->run());
  }
  if (before.size() > after.size()) {
    auto remove = c.prepare("DELETE FROM entry_sections WHERE entry_id = ?1 AND position >= ?2");
    if (!remove) return fail(std::move(remove.error()));
    REELPRESS_RETURN_IF_ERROR(
        remove->bind_all(entry_id, static_cast<std::int64_t>(after.size())).run());
  }
  return {};
}

// A JSON array of enumeration names, bound as one value and expanded with json_each, so the
// SQL text is the same whatever the number of names.
template <typename E>
std::string json_names(const std::vector<E>& values) {
  std::string out = "[";
  for (const E& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += content::to_string(value);  // Lower-case letters and '-': nothing to escape.
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace

Result<Id> SqliteStore::save_entry(const Entry& entry) {
  REELPRESS_RETURN_IF_ERROR(check_id(entry.id, "entry"));
  // Links are stored once each, in their first positions; compared in that form too.
  Entry wanted = entry;
  wanted.category_ids = distinct(entry.category_ids);
  wanted.tag_ids = distinct(entry.tag_ids);
  wanted.organization_ids = distinct(entry.organization_ids);
  return write<Id>([&](Connection& c) -> Result<Id> {
           // Only what differs from the stored entry is written, so that saving an unchanged
           // entry moves no change counter and an edit counts (and logs) what it changed, not
           // a rewrite of every relation.
           std::optional<Entry> stored;
           if (wanted.id != 0) {
             auto found = stored_entry(c, wanted.id);
             if (!found) return fail(std::move(found.error()));
             stored = std::move(*found);
           }
           Id id = wanted.id;
           if (!stored || row_part(*stored) != row_part(wanted)) {
             // An upsert, not INSERT OR REPLACE: replacing deletes the row first, and the
             // delete would cascade to the entry's comments.
             auto upsert = c.prepare(
                 "INSERT INTO entries (id, slug, title, kicker, kind, status, password, "
                 "body_format, body, body_html, excerpt, published_at, modified_at, author_id, "
                 "film_id, parent_id, menu_order, sticky, comments_open, pings_open) VALUES (?1, "
                 "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                 "?19, "
                 "?20) "
                 "ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title, "
                 "kicker = excluded.kicker, kind = excluded.kind, status = excluded.status, "
                 "password = excluded.password, body_format = excluded.body_format, "
                 "body = excluded.body, body_html = excluded.body_html, "
                 "excerpt = excluded.excerpt, published_at = excluded.published_at, "
                 "modified_at = excluded.modified_at, author_id = excluded.author_id, "
                 "film_id = excluded.film_id, parent_id = excluded.parent_id, "
                 "menu_order = excluded.menu_order, sticky = excluded.sticky, "
                 "comments_open = excluded.comments_open, pings_open = excluded.pings_open "
                 "RETURNING id");
             if (!upsert) return fail(std::move(upsert.error()));
             upsert->bind_all(id_or_null(entry.id), entry.slug, entry.title, entry.kicker,
                              content::to_string(entry.kind), content::to_string(entry.status),
                              entry.password, content::to_string(entry.body_format), entry.body,
                              entry.body_html, entry.excerpt, entry.published_at, entry.modified_at,
                              entry.author_id, entry.film_id, entry.parent_id, entry.menu_order,
                              entry.sticky, entry.comments_open, entry.pings_open);
             auto upserted = returned_id(*upsert);
             if (!upserted) return upserted;
             id = *upserted;
           }
           const Entry none;
           const Entry& before = stored ? *stored : none;
           REELPRESS_RETURN_IF_ERROR(
               write_link_changes(c, kCategoryLinks, id, before.category_ids, wanted.category_ids));
           REELPRESS_RETURN_IF_ERROR(
               write_link_changes(c, kTagLinks, id, before.tag_ids, wanted.tag_ids));
           REELPRESS_RETURN_IF_ERROR(write_link_changes(
               c, kOrganizationLinks, id, before.organization_ids, wanted.organization_ids));
           REELPRESS_RETURN_IF_ERROR(
               write_section_changes(c, id, before.sections, wanted.sections));
           return id;
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e),
                            "save entry " + std::to_string(entry.id) + " " + quoted(entry.slug));
      });
}

Result<Entry> SqliteStore::entry_by_id(Id id) {
  return read<Entry>([&](Connection& c) -> Result<Entry> {
    auto statement = c.prepare("SELECT " REELPRESS_ENTRY_COLUMNS " FROM entries e WHERE e.id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    auto entries = whole_entries(c, *statement);
    if (!entries) return fail(std::move(entries.error()));
    if (entries->empty()) return fail(ErrorCode::kNotFound, entry_name(id));
    return std::move(entries->front());
  });
}

Result<std::vector<Entry>> SqliteStore::entries_by_slug(const std::string& slug) {
  return read<std::vector<Entry>>([&](Connection& c) -> Result<std::vector<Entry>> {
    auto statement = c.prepare("SELECT " REELPRESS_ENTRY_COLUMNS
                               " FROM entries e WHERE e.slug = ?1 ORDER BY e.id");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, slug);
    auto entries = whole_entries(c, *statement);
    if (entries && entries->empty()) return fail(ErrorCode::kNotFound, "entry " + quoted(slug));
    return entries;
  });
}

Result<EntryList> SqliteStore::list_entries(const EntryQuery& query) {
  if (query.statuses.empty()) {
    return fail(ErrorCode::kInvalidArgument, "list entries: no status asked for");
  }
  if (query.offset < 0 || query.limit < 0) {
    return fail(ErrorCode::kInvalidArgument, "list entries: negative offset or limit");
  }
  // The SQL is assembled from the fixed fragments below, chosen by which filters are set;
  // every value is a bound parameter. There are few combinations, so each one's statement is
  // prepared once per connection and cached like any other.
  std::string with;
  // One status (the usual "published") is an equality, so the (status, published_at, id)
  // index also yields the order and a page needs no sort.
  const bool one_status = query.statuses.size() == 1;
  // A category's or a tag's entries are a few out of many: found through their own index,
  // then filtered by status, they cost a fraction of a walk through every published entry
  // (which SQLite picks when the status may use an index: "+" keeps it from doing so).
  const bool by_term = query.category_id || query.tag_id;
  std::string where =
      one_status ? (by_term ? " FROM entries e WHERE +e.status = :status"
                            : " FROM entries e WHERE e.status = :status")
                 : " FROM entries e WHERE e.status IN (SELECT value FROM json_each(:statuses))";
  where += query.kinds.empty() ? " AND e.kind <> :page"
                               : " AND e.kind IN (SELECT value FROM json_each(:kinds))";
  if (query.category_id) {
    // The category and its descendants, as WordPress lists a parent category's archive.
    // UNION (not UNION ALL) stops at rows already seen, so even a damaged tree with a loop
    // ends.
    with =
        "WITH RECURSIVE category_tree(id) AS (SELECT :category UNION SELECT c.id FROM "
        "categories c JOIN category_tree t ON c.parent_id = t.id) ";
    where +=
        " AND e.id IN (SELECT ec.entry_id FROM entry_categories ec "
        "WHERE ec.category_id IN category_tree)";
  }
  if (query.tag_id) {
    where += " AND e.id IN (SELECT et.entry_id FROM entry_tags et WHERE et.tag_id = :tag)";
  }
  if (query.film_id) where += " AND e.film_id = :film";
  if (query.author_id) where += " AND e.author_id = :author";
  if (query.published_from) where += " AND e.published_at >= :from";
  if (query.published_until) where += " AND e.published_at < :until";
  std::string order = " ORDER BY ";
  if (query.sticky_first) order += "e.sticky DESC, ";
  order += query.oldest_first ? "e.published_at ASC, e.id ASC" : "e.published_at DESC, e.id DESC";

  const std::string statuses = json_names(query.statuses);
  const std::string kinds = json_names(query.kinds);
  auto bind_filters = [&](Statement& s) {
    if (one_status) {
      s.bind(":status", content::to_string(query.statuses.front()));
    } else {
      s.bind(":statuses", statuses);
    }
    if (query.kinds.empty()) {
      s.bind(":page", content::to_string(content::EntryKind::kPage));
    } else {
      s.bind(":kinds", kinds);
    }
    if (query.category_id) s.bind(":category", *query.category_id);
    if (query.tag_id) s.bind(":tag", *query.tag_id);
    if (query.film_id) s.bind(":film", *query.film_id);
    if (query.author_id) s.bind(":author", *query.author_id);
    if (query.published_from) s.bind(":from", *query.published_from);
    if (query.published_until) s.bind(":until", *query.published_until);
  };

  return read<EntryList>([&](Connection& c) -> Result<EntryList> {
           EntryList list;
           // Counted and listed in one read transaction, so the total matches the page.
           auto count = c.prepare(with + "SELECT count(*)" + where);
           if (!count) return fail(std::move(count.error()));
           bind_filters(*count);
           REELPRESS_RETURN_IF_ERROR(first_row(*count, "count"));
           list.total = count->integer(0);
           if (query.limit == 0 || query.offset >= list.total) return list;

           // The page's ids first, then their rows: an order no index gives (sticky entries
           // first) is then a sort of small keys, not of every entry's whole text.
           auto page = c.prepare(with +
                                 "SELECT " REELPRESS_ENTRY_COLUMNS
                                 " FROM entries e WHERE e.id IN (SELECT e.id" +
                                 where + order + " LIMIT :limit OFFSET :offset)" + order);
           if (!page) return fail(std::move(page.error()));
           bind_filters(*page);
           page->bind(":limit", query.limit).bind(":offset", query.offset);
           auto entries = whole_entries(c, *page);
           if (!entries) return fail(std::move(entries.error()));
           list.entries = std::move(*entries);
           return list;
         })
      .map_error([](util::Error e) { return with_context(std::move(e), "list entries"); });
}

Result<std::vector<Entry>> SqliteStore::child_pages(std::optional<Id> parent,
                                                    content::EntryStatus status) {
  return read<std::vector<Entry>>([&](Connection& c) -> Result<std::vector<Entry>> {
    if (parent)
      REELPRESS_RETURN_IF_ERROR(require_row(c, kEntryExists, *parent, entry_name(*parent)));
    // `IS` compares NULL with NULL as equal: nullopt asks for top-level pages.
    auto statement = c.prepare("SELECT " REELPRESS_ENTRY_COLUMNS
                               " FROM entries e WHERE e.kind = ?1 AND e.parent_id IS ?2 "
                               "AND e.status = ?3 ORDER BY e.menu_order, e.title, e.id");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_all(content::to_string(content::EntryKind::kPage), parent,
                        content::to_string(status));
    return whole_entries(c, *statement);
  });
}

// ---- Organizations -----------------------------------------------------------------------

namespace {

#define REELPRESS_ORGANIZATION_COLUMNS                                \
  "o.id, o.name, o.description, o.url, o.region, o.focus, o.status, " \
  "o.suggested_for_entry_id, o.created_at"

Result<Organization> read_organization(const Statement& s) {
  Organization org;
  org.id = s.int64(0);
  org.name = s.text(1);
  org.description = s.text(2);
  org.url = s.text(3);
  org.region = s.text(4);
  org.focus = s.text(5);
  auto status = parse_column<ModerationStatus>(s, 6, content::parse_moderation_status,
                                               "organization " + std::to_string(org.id));
  if (!status) return fail(std::move(status.error()));
  org.status = *status;
  org.suggested_for_entry_id = s.optional_int64(7);
  org.created_at = s.int64(8);
  return org;
}

}  // namespace

Result<Id> SqliteStore::save_organization(const Organization& org) {
  REELPRESS_RETURN_IF_ERROR(check_id(org.id, "organization"));
  const util::UnixTime created_at = org.created_at != 0 ? org.created_at : clock_.now();
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto upsert = c.prepare(
               "INSERT INTO organizations (id, name, description, url, region, focus, status, "
               "suggested_for_entry_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
               "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
               "description = excluded.description, url = excluded.url, "
               "region = excluded.region, focus = excluded.focus, status = excluded.status, "
               "suggested_for_entry_id = excluded.suggested_for_entry_id, "
               "created_at = excluded.created_at RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(org.id), org.name, org.description, org.url, org.region,
                            org.focus, content::to_string(org.status), org.suggested_for_entry_id,
                            created_at);
           return returned_id(*upsert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save organization " + quoted(org.name));
      });
}

Result<Organization> SqliteStore::organization_by_id(Id id) {
  return read<Organization>([&](Connection& c) -> Result<Organization> {
    auto statement =
        c.prepare("SELECT " REELPRESS_ORGANIZATION_COLUMNS " FROM organizations o WHERE o.id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "organization " + std::to_string(id)));
    return read_organization(*statement);
  });
}

Result<std::vector<Organization>> SqliteStore::organizations_for_entry(Id entry_id) {
  return read<std::vector<Organization>>([&](Connection& c) -> Result<std::vector<Organization>> {
    REELPRESS_RETURN_IF_ERROR(require_row(c, kEntryExists, entry_id, entry_name(entry_id)));
    auto listed = c.prepare("SELECT " REELPRESS_ORGANIZATION_COLUMNS
                            " FROM entry_organizations eo JOIN organizations o "
                            "ON o.id = eo.organization_id WHERE eo.entry_id = ?1 "
                            "ORDER BY eo.position");
    if (!listed) return fail(std::move(listed.error()));
    listed->bind(1, entry_id);
    auto out = collect<Organization>(*listed, read_organization);
    if (!out) return out;

    // Then the approved reader suggestions, oldest first, unless the editors already
    // listed them.
    auto suggested =
        c.prepare("SELECT " REELPRESS_ORGANIZATION_COLUMNS
                  " FROM organizations o WHERE o.suggested_for_entry_id = ?1 AND o.status = ?2 "
                  "AND o.id NOT IN (SELECT organization_id FROM entry_organizations "
                  "WHERE entry_id = ?1) ORDER BY o.created_at, o.id");
    if (!suggested) return fail(std::move(suggested.error()));
    suggested->bind_all(entry_id, content::to_string(ModerationStatus::kApproved));
    auto more = collect<Organization>(*suggested, read_organization);
    if (!more) return more;
    for (Organization& org : *more) out->push_back(std::move(org));
    return out;
  });
}

Result<std::vector<Organization>> SqliteStore::organizations_with_status(ModerationStatus status) {
  return read<std::vector<Organization>>([&](Connection& c) -> Result<std::vector<Organization>> {
    auto statement = c.prepare("SELECT " REELPRESS_ORGANIZATION_COLUMNS
                               " FROM organizations o WHERE o.status = ?1 "
                               "ORDER BY o.created_at DESC, o.id DESC");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, content::to_string(status));
    return collect<Organization>(*statement, read_organization);
  });
}

Status SqliteStore::set_organization_status(Id id, ModerationStatus status) {
  return write<void>([&](Connection& c) -> Status {
    auto update = c.prepare("UPDATE organizations SET status = ?2 WHERE id = ?1 RETURNING id");
    if (!update) return fail(std::move(update.error()));
    update->bind_all(id, content::to_string(status));
    REELPRESS_RETURN_IF_ERROR(first_row(*update, "organization " + std::to_string(id)));
    return update->run();
  });
}

// ---- Comments ----------------------------------------------------------------------------

namespace {

constexpr std::string_view kCommentById =
    "SELECT id, entry_id, parent_id, author_name, author_email, author_url, body_html, status, "
    "created_at FROM comments WHERE id = ?1";

Result<Comment> read_comment(const Statement& s) {
  Comment comment;
  comment.id = s.int64(0);
  comment.entry_id = s.int64(1);
  comment.parent_id = s.optional_int64(2);
  comment.author_name = s.text(3);
  comment.author_email = s.text(4);
  comment.author_url = s.text(5);
  comment.body_html = s.text(6);
  auto status = parse_column<ModerationStatus>(s, 7, content::parse_moderation_status,
                                               "comment " + std::to_string(comment.id));
  if (!status) return fail(std::move(status.error()));
  comment.status = *status;
  comment.created_at = s.int64(8);
  return comment;
}

// A new comment (every reader's) is a plain INSERT: without the upsert's conflict clause and
// RETURNING's ephemeral table, on the path of every post. Imports, which carry WordPress ids,
// and edits upsert. Both bind the same columns.
#define REELPRESS_INSERT_COMMENT                                                           \
  "INSERT INTO comments (id, entry_id, parent_id, author_name, author_email, author_url, " \
  "body_html, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
constexpr std::string_view kInsertComment = REELPRESS_INSERT_COMMENT;
constexpr std::string_view kUpsertComment = REELPRESS_INSERT_COMMENT
    " ON CONFLICT (id) DO UPDATE SET entry_id = excluded.entry_id, parent_id = "
    "excluded.parent_id, author_name = excluded.author_name, author_email = "
    "excluded.author_email, author_url = excluded.author_url, body_html = excluded.body_html, "
    "status = excluded.status, created_at = excluded.created_at RETURNING id";
#undef REELPRESS_INSERT_COMMENT

}  // namespace

Result<Id> SqliteStore::save_comment(const Comment& comment) {
  REELPRESS_RETURN_IF_ERROR(check_id(comment.id, "comment"));
  const util::UnixTime created_at = comment.created_at != 0 ? comment.created_at : clock_.now();
  return write<Id>(
             [&](Connection& c) -> Result<Id> {
               if (comment.parent_id) {
                 // A reply answers a comment of the same entry; threads never cross pages.
                 auto parent = c.prepare("SELECT entry_id FROM comments WHERE id = ?1");
                 if (!parent) return fail(std::move(parent.error()));
                 parent->bind(1, *comment.parent_id);
                 auto row = parent->step();
                 if (!row) return fail(std::move(row.error()));
                 if ((*row && parent->int64(0) != comment.entry_id) ||
                     (comment.id != 0 && *comment.parent_id == comment.id)) {
                   return fail(ErrorCode::kInvalidArgument,
                               "comment " + std::to_string(*comment.parent_id) +
                                   " is not a comment of " + entry_name(comment.entry_id) +
                                   " that this one can answer");
                 }
               }
               const bool fresh = comment.id == 0;
               auto save = c.prepare(fresh ? kInsertComment : kUpsertComment);
               if (!save) return fail(std::move(save.error()));
               save->bind_all(id_or_null(comment.id), comment.entry_id, comment.parent_id,
                              comment.author_name, comment.author_email, comment.author_url,
                              comment.body_html, content::to_string(comment.status), created_at);
               if (!fresh) return returned_id(*save);
               REELPRESS_RETURN_IF_ERROR(save->run());
               return Id{sqlite3_last_insert_rowid(c.handle())};
             },
             Joining::kOneStatement)
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save comment " + std::to_string(comment.id) + " on " +
                                              entry_name(comment.entry_id));
      });
}

Result<Comment> SqliteStore::comment_by_id(Id id) {
  return read<Comment>([&](Connection& c) -> Result<Comment> {
    auto statement = c.prepare(kCommentById);
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "comment " + std::to_string(id)));
    return read_comment(*statement);
  });
}

Result<std::vector<Comment>> SqliteStore::comments_for_entry(Id entry_id, ModerationStatus status) {
  return read<std::vector<Comment>>([&](Connection& c) -> Result<std::vector<Comment>> {
    REELPRESS_RETURN_IF_ERROR(require_row(c, kEntryExists, entry_id, entry_name(entry_id)));
    auto statement = c.prepare(
        "SELECT id, entry_id, parent_id, author_name, author_email, author_url, body_html, "
        "status, created_at FROM comments WHERE entry_id = ?1 AND status = ?2 "
        "ORDER BY created_at, id");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_all(entry_id, content::to_string(status));
    return collect<Comment>(*statement, read_comment);
  });
}

Result<std::vector<Comment>> SqliteStore::comments_with_status(ModerationStatus status, int limit) {
  if (limit <= 0) return std::vector<Comment>{};
  return read<std::vector<Comment>>([&](Connection& c) -> Result<std::vector<Comment>> {
    auto statement = c.prepare(
        "SELECT id, entry_id, parent_id, author_name, author_email, author_url, body_html, "
        "status, created_at FROM comments WHERE status = ?1 "
        "ORDER BY created_at DESC, id DESC LIMIT ?2");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_all(content::to_string(status), limit);
    return collect<Comment>(*statement, read_comment);
  });
}

Status SqliteStore::set_comment_status(Id id, ModerationStatus status) {
  return write<void>([&](Connection& c) -> Status {
    auto update = c.prepare("UPDATE comments SET status = ?2 WHERE id = ?1 RETURNING id");
    if (!update) return fail(std::move(update.error()));
    update->bind_all(id, content::to_string(status));
    REELPRESS_RETURN_IF_ERROR(first_row(*update, "comment " + std::to_string(id)));
    return update->run();
  });
}

Result<int> SqliteStore::approved_comment_count(Id entry_id) {
  return read<int>([&](Connection& c) -> Result<int> {
    REELPRESS_RETURN_IF_ERROR(require_row(c, kEntryExists, entry_id, entry_name(entry_id)));
    auto statement = c.prepare("SELECT count(*) FROM comments WHERE entry_id = ?1 AND status = ?2");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_all(entry_id, content::to_string(ModerationStatus::kApproved));
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "count"));
    return statement->integer(0);
  });
}

Result<bool> SqliteStore::has_approved_comment_by(const std::string& author_name,
                                                  const std::string& author_email) {
  if (author_email.empty()) return false;
  return read<bool>([&](Connection& c) -> Result<bool> {
    // "author_email <> ''" lets SQLite use the partial index comments_by_author.
    auto statement = c.prepare(
        "SELECT 1 FROM comments WHERE author_email = ?1 AND author_name = ?2 AND status = ?3 "
        "AND author_email <> '' LIMIT 1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_all(author_email, author_name, content::to_string(ModerationStatus::kApproved));
    auto row = statement->step();
    if (!row) return fail(std::move(row.error()));
    return *row;
  });
}

// ---- Site secrets and submissions ----------------------------------------------------------

namespace {

constexpr std::size_t kMaxDigestBytes = 64;

}  // namespace

Result<std::string> SqliteStore::site_secret(const std::string& name, std::size_t bytes) {
  if (name.empty() || bytes == 0 || bytes > 4096) {
    return fail(ErrorCode::kInvalidArgument, "a site secret needs a name and 1 to 4096 bytes");
  }
  const auto check = [&](std::string value) -> Result<std::string> {
    if (value.size() != bytes) {
      return fail(ErrorCode::kCorrupt, "site secret " + quoted(name) + " has " +
                                           std::to_string(value.size()) + " bytes, not " +
                                           std::to_string(bytes));
    }
    return value;
  };
  const auto select = [&](Connection& c) -> Result<std::optional<std::string>> {
    auto statement = c.prepare("SELECT value FROM site_secrets WHERE name = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, name);
    auto row = statement->step();
    if (!row) return fail(std::move(row.error()));
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(statement->blob(0));
  };
  auto existing = read<std::optional<std::string>>(select);
  if (!existing) return fail(std::move(existing.error()));
  if (*existing) return check(std::move(**existing));

  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium cannot be initialized");
  std::string fresh(bytes, '\0');
  randombytes_buf(fresh.data(), fresh.size());
  auto stored = write<std::string>([&](Connection& c) -> Result<std::string> {
    auto insert = c.prepare(
        "INSERT INTO site_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!insert) return fail(std::move(insert.error()));
    insert->bind(1, name).bind_blob(2, fresh);
    REELPRESS_RETURN_IF_ERROR(insert->run());
    auto value = select(c);
    if (!value) return fail(std::move(value.error()));
    if (!*value) return fail(ErrorCode::kInternal, "site secret " + quoted(name) + " vanished");
    return std::move(**value);
  });
  sodium_memzero(fresh.data(), fresh.size());
  if (!stored) return fail(with_context(std::move(stored.error()), "site secret " + quoted(name)));
  return check(std::move(*stored));
}

// Replay digests: form_submissions holds them keyed by digest, a hash, so each new one would
// land on a leaf of its own (and one of its expiry index), and a commit of ten comments would
// write twenty more pages (at 2,000 posts/s, 40% of the writer's time). New digests go to
// form_submissions_recent instead, in arrival order, and this process keeps them (with their
// expiry) in memory to look them up. Once there are kRecentDigests, they move into
// form_submissions sorted, so each leaf they land on is written once for many of them. The
// move sorts them in memory, then inserts them in kSortInSteps steps, one per transaction,
// each the next run of them in digest order (so it touches a narrow slice of the table), so
// that no commit writes the whole table at once (at 70,000 digests, one move held the posts
// behind it for 25 ms). Each step also forgets up to 256 expired digests. Then the moved
// digests leave the recent table, and the memory. The more move at once, the more of them
// share each leaf: at 4,096 a move rewrote nearly every leaf of a 100,000-digest table, half
// a page per digest, and the moves were a fifth of what a comment cost the writer.
// The memory follows the table: what a rolled-back transaction did is undone in memory too
// (Connection::on_rollback), and after another process has committed (the writer
// connection's data_version moved) the digests are read again from the table.
Result<bool> SqliteStore::record_submission(const std::string& digest, util::UnixTime expires_at) {
  if (digest.empty() || digest.size() > kMaxDigestBytes) {
    return fail(ErrorCode::kInvalidArgument, "a submission digest has 1 to 64 bytes");
  }
  const util::UnixTime now = clock_.now();
  return write<bool>([&](Connection& c) -> Result<bool> {
    REELPRESS_RETURN_IF_ERROR(follow_recent_digests(c));
    if (recent_digests_.contains(digest)) return false;
    auto sorted = c.prepare("SELECT 1 FROM form_submissions WHERE digest = ?1");
    if (!sorted) return fail(std::move(sorted.error()));
    auto found = sorted->bind_blob(1, digest).step();
    if (!found) return fail(std::move(found.error()));
    if (*found) return false;

    auto insert =
        c.prepare("INSERT INTO form_submissions_recent (digest, expires_at) VALUES (?1, ?2)");
    if (!insert) return fail(std::move(insert.error()));
    REELPRESS_RETURN_IF_ERROR(insert->bind_blob(1, digest).bind(2, expires_at).run());
    recent_digests_.emplace(digest, expires_at);
    c.on_rollback([this, digest] { recent_digests_.erase(digest); });
    REELPRESS_RETURN_IF_ERROR(sort_in_step(c, now));
    return true;
  });
}

Status SqliteStore::follow_recent_digests(Connection& c) {
  // Once a transaction is enough: no other connection commits while this one holds the write
  // lock, and a batch of comments records a digest each.
  if (followed_transaction_ == c.transaction_serial()) return {};
  auto version = c.prepare("PRAGMA data_version");
  if (!version) return fail(std::move(version.error()));
  REELPRESS_RETURN_IF_ERROR(first_row(*version, "the data version"));
  const std::int64_t seen = version->int64(0);
  if (seen != recent_version_) {
    // A move under way goes on: another process's digests come after it (seq is never
    // reused), and one it moved meanwhile is moved again without effect.
    REELPRESS_RETURN_IF_ERROR(read_recent_digests(c));
    recent_version_ = seen;
  }
  followed_transaction_ = c.transaction_serial();
  return {};
}

Status SqliteStore::read_recent_digests(Connection& c) {
  auto recent = c.prepare("SELECT digest, expires_at FROM form_submissions_recent");
  if (!recent) return fail(std::move(recent.error()));
  auto digests = collect<std::pair<std::string, util::UnixTime>>(
      *recent, [](const Statement& row) -> Result<std::pair<std::string, util::UnixTime>> {
        return std::pair(row.blob(0), row.int64(1));
      });
  if (!digests) return fail(std::move(digests.error()));
  recent_digests_ = std::unordered_map<std::string, util::UnixTime>(
      std::make_move_iterator(digests->begin()), std::make_move_iterator(digests->end()));
  return {};
}

Status SqliteStore::sort_in_step(Connection& c, util::UnixTime now) {
  if (!sort_in_ && recent_digests_.size() < kRecentDigests) return {};
  if (sort_step_transaction_ == c.transaction_serial()) return {};  // One step a commit.
  sort_step_transaction_ = c.transaction_serial();
  c.on_rollback([this, before = sort_in_] { sort_in_ = before; });

  if (!sort_in_) {
    // The memory holds exactly the table's rows here (follow_recent_digests read it again
    // if anyone else wrote), so the newest seq bounds them.
    auto last = c.prepare("SELECT coalesce(max(seq), 0) FROM form_submissions_recent");
    if (!last) return fail(std::move(last.error()));
    REELPRESS_RETURN_IF_ERROR(first_row(*last, "the newest recent digest"));
    auto sorted = std::make_shared<DigestExpiries>();
    sorted->reserve(recent_digests_.size());
    for (const auto& [digest, expiry] : recent_digests_) {
      if (expiry >= now) sorted->emplace_back(digest, expiry);
    }
    std::sort(sorted->begin(), sorted->end());
    sort_in_ = SortIn{.through_seq = last->int64(0), .sorted = std::move(sorted)};
  }
  if (sort_in_->next_step < kSortInSteps) {
    const DigestExpiries& sorted = *sort_in_->sorted;
    const std::size_t from = sorted.size() * sort_in_->next_step / kSortInSteps;
    const std::size_t to = sorted.size() * (sort_in_->next_step + 1) / kSortInSteps;
    for (std::size_t i = from; i < to; ++i) {
      auto insert = c.prepare(
          "INSERT INTO form_submissions (digest, expires_at) VALUES (?1, ?2) "
          "ON CONFLICT (digest) DO NOTHING");
      if (!insert) return fail(std::move(insert.error()));
      REELPRESS_RETURN_IF_ERROR(
          insert->bind_blob(1, sorted[i].first).bind(2, sorted[i].second).run());
    }
    auto expired = c.prepare(
        "DELETE FROM form_submissions WHERE digest IN (SELECT digest FROM form_submissions "
        "WHERE expires_at < ?1 ORDER BY expires_at LIMIT 256)");
    if (!expired) return fail(std::move(expired.error()));
    REELPRESS_RETURN_IF_ERROR(expired->bind(1, now).run());
    ++sort_in_->next_step;
    return {};
  }

  // Every step done: the moved digests leave the recent table and the memory.
  auto moved = c.prepare("DELETE FROM form_submissions_recent WHERE seq <= ?1");
  if (!moved) return fail(std::move(moved.error()));
  REELPRESS_RETURN_IF_ERROR(moved->bind(1, sort_in_->through_seq).run());
  c.on_rollback(
      [this, kept = std::move(recent_digests_)]() mutable { recent_digests_ = std::move(kept); });
  REELPRESS_RETURN_IF_ERROR(read_recent_digests(c));
  sort_in_.reset();
  return {};
}

// ---- Users -------------------------------------------------------------------------------

namespace {

Result<User> read_user(const Statement& s) {
  User user;
  user.id = s.int64(0);
  user.login = s.text(1);
  user.display_name = s.text(2);
  user.email = s.text(3);
  auto role = parse_column<content::Role>(s, 4, content::parse_role,
                                          "user " + std::to_string(user.id) + " role");
  if (!role) return fail(std::move(role.error()));
  user.role = *role;
  user.password_hash = s.text(5);
  user.created_at = s.int64(6);
  return user;
}

}  // namespace

Result<Id> SqliteStore::save_user(const User& user) {
  REELPRESS_RETURN_IF_ERROR(check_id(user.id, "user"));
  const util::UnixTime created_at = user.created_at != 0 ? user.created_at : clock_.now();
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto upsert = c.prepare(
               "INSERT INTO users (id, login, display_name, email, role, password_hash, "
               "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET "
               "login = excluded.login, display_name = excluded.display_name, "
               "email = excluded.email, role = excluded.role, "
               "password_hash = excluded.password_hash, created_at = excluded.created_at "
               "RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(user.id), user.login, user.display_name, user.email,
                            content::to_string(user.role), user.password_hash, created_at);
           return returned_id(*upsert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save user " + quoted(user.login));
      });
}

Result<User> SqliteStore::user_by_id(Id id) {
  return read<User>([&](Connection& c) -> Result<User> {
    auto statement = c.prepare(
        "SELECT id, login, display_name, email, role, password_hash, created_at FROM users "
        "WHERE id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "user " + std::to_string(id)));
    return read_user(*statement);
  });
}

Result<User> SqliteStore::user_by_login(const std::string& login) {
  return read<User>([&](Connection& c) -> Result<User> {
    auto statement = c.prepare(
        "SELECT id, login, display_name, email, role, password_hash, created_at FROM users "
        "WHERE login = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, login);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "user " + quoted(login)));
    return read_user(*statement);
  });
}

Result<std::vector<User>> SqliteStore::users() {
  return read<std::vector<User>>([&](Connection& c) -> Result<std::vector<User>> {
    auto statement = c.prepare(
        "SELECT id, login, display_name, email, role, password_hash, created_at FROM users "
        "ORDER BY login");
    if (!statement) return fail(std::move(statement.error()));
    return collect<User>(*statement, read_user);
  });
}

Status SqliteStore::remove_user(Id id) {
  // The schema keeps the user's entries and sets their author to none (ON DELETE SET NULL).
  return write<void>([&](Connection& c) -> Status {
    auto remove = c.prepare("DELETE FROM users WHERE id = ?1 RETURNING id");
    if (!remove) return fail(std::move(remove.error()));
    remove->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*remove, "user " + std::to_string(id)));
    return remove->run();
  });
}

// ---- The admin: sessions, failed sign-ins, revisions, scheduled entries -------------------

namespace {

constexpr std::string_view kRevisionColumns =
    "SELECT id, entry_id, user_id, saved_at, title, data FROM revisions ";

Result<Revision> read_revision(const Statement& s) {
  Revision revision;
  revision.id = s.int64(0);
  revision.entry_id = s.int64(1);
  revision.user_id = s.optional_int64(2);
  revision.saved_at = s.int64(3);
  revision.title = s.text(4);
  revision.data = s.text(5);
  return revision;
}

}  // namespace

Status SqliteStore::save_session(const Session& session) {
  return write<void>([&](Connection& c) -> Status {
           auto upsert = c.prepare(
               "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen) "
               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (token_hash) DO UPDATE SET "
               "user_id = excluded.user_id, csrf_token = excluded.csrf_token, "
               "created_at = excluded.created_at, last_seen = excluded.last_seen");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_blob(1, session.token_hash);
           upsert->bind(2, session.user_id);
           upsert->bind(3, session.csrf_token);
           upsert->bind(4, session.created_at);
           upsert->bind(5, session.last_seen);
           return upsert->run();
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e),
                            "save a session of user " + std::to_string(session.user_id));
      });
}

Result<Session> SqliteStore::session_by_hash(const std::string& token_hash) {
  return read<Session>([&](Connection& c) -> Result<Session> {
    auto statement = c.prepare(
        "SELECT token_hash, user_id, csrf_token, created_at, last_seen FROM sessions "
        "WHERE token_hash = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind_blob(1, token_hash);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "session"));
    Session session;
    session.token_hash = statement->blob(0);
    session.user_id = statement->int64(1);
    session.csrf_token = statement->text(2);
    session.created_at = statement->int64(3);
    session.last_seen = statement->int64(4);
    return session;
  });
}

Status SqliteStore::remove_session(const std::string& token_hash) {
  return write<void>([&](Connection& c) -> Status {
    auto remove = c.prepare("DELETE FROM sessions WHERE token_hash = ?1");
    if (!remove) return fail(std::move(remove.error()));
    remove->bind_blob(1, token_hash);
    return remove->run();
  });
}

Status SqliteStore::remove_sessions(std::optional<Id> user_id, util::UnixTime idle_before,
                                    util::UnixTime created_before) {
  return write<void>([&](Connection& c) -> Status {
    auto remove =
        c.prepare("DELETE FROM sessions WHERE user_id = ?1 OR last_seen < ?2 OR created_at < ?3");
    if (!remove) return fail(std::move(remove.error()));
    remove->bind_all(user_id, idle_before, created_before);
    return remove->run();
  });
}

Status SqliteStore::record_sign_in_failure(const std::string& login, const std::string& client,
                                           util::UnixTime at) {
  return write<void>([&](Connection& c) -> Status {
    auto old = c.prepare("DELETE FROM sign_in_failures WHERE at < ?1");
    if (!old) return fail(std::move(old.error()));
    REELPRESS_RETURN_IF_ERROR(old->bind(1, at - 86400).run());
    auto insert = c.prepare("INSERT INTO sign_in_failures (login, client, at) VALUES (?1, ?2, ?3)");
    if (!insert) return fail(std::move(insert.error()));
    insert->bind(1, login);
    insert->bind_blob(2, client);
    insert->bind(3, at);
    return insert->run();
  });
}

namespace {

// count(*) and max(at) of a query over sign_in_failures whose ?1 is a text or blob key.
Result<SignInFailures> read_sign_in_failures(Connection& c, std::string_view sql,
                                             const std::string& key, bool blob_key,
                                             util::UnixTime since) {
  auto statement = c.prepare(sql);
  if (!statement) return fail(std::move(statement.error()));
  if (blob_key) {
    statement->bind_blob(1, key);
  } else {
    statement->bind(1, key);
  }
  statement->bind(2, since);
  REELPRESS_RETURN_IF_ERROR(first_row(*statement, "failure count"));
  return SignInFailures{static_cast<int>(statement->int64(0)), statement->int64(1)};
}

}  // namespace

Result<SignInFailures> SqliteStore::sign_in_failures_of_login(const std::string& login,
                                                              util::UnixTime since) {
  return read<SignInFailures>([&](Connection& c) {
    return read_sign_in_failures(
        c,
        "SELECT count(*), coalesce(max(at), 0) FROM sign_in_failures WHERE login = ?1 AND at >= ?2",
        login, false, since);
  });
}

Result<SignInFailures> SqliteStore::sign_in_failures_of_client(const std::string& client,
                                                               util::UnixTime since) {
  return read<SignInFailures>([&](Connection& c) {
    return read_sign_in_failures(c,
                                 "SELECT count(*), coalesce(max(at), 0) FROM sign_in_failures "
                                 "WHERE client = ?1 AND at >= ?2",
                                 client, true, since);
  });
}

Result<Id> SqliteStore::save_revision(const Revision& revision) {
  REELPRESS_RETURN_IF_ERROR(check_id(revision.id, "revision"));
  const util::UnixTime saved_at = revision.saved_at != 0 ? revision.saved_at : clock_.now();
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto insert = c.prepare(
               "INSERT INTO revisions (id, entry_id, user_id, saved_at, title, data) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
           if (!insert) return fail(std::move(insert.error()));
           insert->bind_all(id_or_null(revision.id), revision.entry_id, revision.user_id, saved_at,
                            revision.title, revision.data);
           return returned_id(*insert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save a revision of " + entry_name(revision.entry_id));
      });
}

Result<Revision> SqliteStore::revision_by_id(Id id) {
  return read<Revision>([&](Connection& c) -> Result<Revision> {
    auto statement = c.prepare(std::string(kRevisionColumns) + "WHERE id = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, id);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "revision " + std::to_string(id)));
    return read_revision(*statement);
  });
}

Result<std::vector<Revision>> SqliteStore::revisions_of(Id entry_id) {
  return read<std::vector<Revision>>([&](Connection& c) -> Result<std::vector<Revision>> {
    auto statement =
        c.prepare(std::string(kRevisionColumns) + "WHERE entry_id = ?1 ORDER BY id DESC");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, entry_id);
    return collect<Revision>(*statement, read_revision);
  });
}

Result<int> SqliteStore::publish_due_entries(util::UnixTime now) {
  // The read is what nearly every call does (run every second by a serving process); only a
  // due entry takes the write turn.
  auto due = read<bool>([&](Connection& c) -> Result<bool> {
    auto statement = c.prepare(
        "SELECT 1 FROM entries WHERE status = 'scheduled' AND published_at <= ?1 LIMIT 1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, now);
    auto row = statement->step();
    if (!row) return fail(std::move(row.error()));
    return *row;
  });
  if (!due) return fail(std::move(due.error()));
  if (!*due) return 0;
  return write<int>([&](Connection& c) -> Result<int> {
    auto update = c.prepare(
        "UPDATE entries SET status = 'published' WHERE status = 'scheduled' AND "
        "published_at <= ?1 RETURNING id");
    if (!update) return fail(std::move(update.error()));
    update->bind(1, now);
    int published = 0;
    while (true) {
      auto row = update->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) return published;
      ++published;
    }
  });
}

// ---- Media and redirects -----------------------------------------------------------------

Result<Id> SqliteStore::save_media(const Media& media) {
  REELPRESS_RETURN_IF_ERROR(check_id(media.id, "media"));
  const util::UnixTime uploaded_at = media.uploaded_at != 0 ? media.uploaded_at : clock_.now();
  return write<Id>([&](Connection& c) -> Result<Id> {
           auto upsert = c.prepare(
               "INSERT INTO media (id, path, mime_type, title, alt, entry_id, size, "
               "uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO "
               "UPDATE SET path = excluded.path, mime_type = excluded.mime_type, "
               "title = excluded.title, alt = excluded.alt, entry_id = excluded.entry_id, "
               "size = excluded.size, uploaded_at = excluded.uploaded_at RETURNING id");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(id_or_null(media.id), media.path, media.mime_type, media.title,
                            media.alt, media.entry_id, media.size, uploaded_at);
           return returned_id(*upsert);
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save media " + quoted(media.path));
      });
}

namespace {

constexpr std::string_view kMediaColumns =
    "SELECT id, path, mime_type, title, alt, entry_id, size, uploaded_at FROM media ";

Result<Media> read_media(const Statement& s) {
  Media media;
  media.id = s.int64(0);
  media.path = s.text(1);
  media.mime_type = s.text(2);
  media.title = s.text(3);
  media.alt = s.text(4);
  media.entry_id = s.optional_int64(5);
  media.size = s.int64(6);
  media.uploaded_at = s.int64(7);
  return media;
}

}  // namespace

Result<Media> SqliteStore::media_by_path(const std::string& path) {
  return read<Media>([&](Connection& c) -> Result<Media> {
    auto statement = c.prepare(std::string(kMediaColumns) + "WHERE path = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, path);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "media " + quoted(path)));
    return read_media(*statement);
  });
}

Result<std::vector<Media>> SqliteStore::recent_media(int limit) {
  return read<std::vector<Media>>([&](Connection& c) -> Result<std::vector<Media>> {
    auto statement =
        c.prepare(std::string(kMediaColumns) + "ORDER BY uploaded_at DESC, id DESC LIMIT ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, std::max(limit, 0));
    return collect<Media>(*statement, read_media);
  });
}

Status SqliteStore::save_redirect(const Redirect& redirect) {
  return write<void>([&](Connection& c) -> Status {
           auto upsert = c.prepare(
               "INSERT INTO redirects (from_path, entry_id, to_path) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (from_path) DO UPDATE SET entry_id = excluded.entry_id, "
               "to_path = excluded.to_path");
           if (!upsert) return fail(std::move(upsert.error()));
           upsert->bind_all(redirect.from_path, redirect.entry_id, redirect.to_path);
           return upsert->run();
         })
      .map_error([&](util::Error e) {
        return with_context(std::move(e), "save redirect " + quoted(redirect.from_path));
      });
}

Result<Redirect> SqliteStore::redirect_from(const std::string& path) {
  return read<Redirect>([&](Connection& c) -> Result<Redirect> {
    auto statement =
        c.prepare("SELECT from_path, entry_id, to_path FROM redirects WHERE from_path = ?1");
    if (!statement) return fail(std::move(statement.error()));
    statement->bind(1, path);
    REELPRESS_RETURN_IF_ERROR(first_row(*statement, "redirect " + quoted(path)));
    return Redirect{statement->text(0), statement->optional_int64(1), statement->text(2)};
  });
}

Status SqliteStore::remove_redirect(const std::string& from_path) {
  return write<void>([&](Connection& c) -> Status {
    auto remove = c.prepare("DELETE FROM redirects WHERE from_path = ?1 RETURNING 1");
    if (!remove) return fail(std::move(remove.error()));
    remove->bind(1, from_path);
    REELPRESS_RETURN_IF_ERROR(first_row(*remove, "redirect from " + quoted(from_path)));
    return remove->run();
  });
}

Result<std::vector<Redirect>> SqliteStore::redirects() {
  return read<std::vector<Redirect>>([&](Connection& c) -> Result<std::vector<Redirect>> {
    auto statement =
        c.prepare("SELECT from_path, entry_id, to_path FROM redirects ORDER BY from_path");
    if (!statement) return fail(std::move(statement.error()));
    std::vector<Redirect> out;
    while (true) {
      auto row = statement->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) break;
      out.push_back(Redirect{statement->text(0), statement->optional_int64(1), statement->text(2)});
    }
    return out;
  });
}

Result<Store::ChangeLog> SqliteStore::changes_since(std::int64_t after_seq) {
  return read<ChangeLog>([&](Connection& c) -> Result<ChangeLog> {
    ChangeLog log;
    const Status read = c.in_transaction(Connection::TransactionKind::kRead, [&]() -> Status {
      auto counter = c.prepare("SELECT value FROM change_counter WHERE id = 1");
      if (!counter) return fail(std::move(counter.error()));
      auto row = counter->step();
      if (!row) return fail(std::move(row.error()));
      if (!*row) return fail(ErrorCode::kCorrupt, "the change_counter row is missing");
      log.counter = counter->int64(0);
      auto last = c.prepare("SELECT coalesce(max(seq), 0) FROM changes");
      if (!last) return fail(std::move(last.error()));
      REELPRESS_RETURN_IF_ERROR(first_row(*last, "the newest change"));
      log.last_seq = last->int64(0);
      auto rows = c.prepare("SELECT seq, key FROM changes WHERE seq > ?1 ORDER BY seq");
      if (!rows) return fail(std::move(rows.error()));
      rows->bind(1, after_seq);
      while (true) {
        auto next = rows->step();
        if (!next) return fail(std::move(next.error()));
        if (!*next) break;
        log.changes.emplace_back(rows->int64(0), rows->text(1));
      }
      return {};
    });
    if (!read) return fail(read.error());
    return log;
  });
}

#undef REELPRESS_ENTRY_COLUMNS
#undef REELPRESS_ORGANIZATION_COLUMNS

}  // namespace reelpress::store::sqlite
