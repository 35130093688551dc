// SqliteStore: the Store in one SQLite file, the embedded default (content.db in the site
// directory). See store.h for the contract every backend keeps; this header adds what is
// particular to SQLite.
//
// Connections: one per calling thread for reads, opened on the thread's first call and closed
// when the thread exits or the store is destroyed, so readers never wait for each other (WAL).
// Writes (and the calls a transaction's body makes) go through one writer connection, one
// thread at a time: a connection's page cache is dropped whenever another connection commits,
// so writes spread over several connections would each start by reading again every page
// they change. Each connection caches its prepared statements; every value is
// bound, never spliced into SQL. For ":memory:" there is a single connection behind a mutex
// instead, because each SQLite connection to ":memory:" would otherwise see its own empty
// database: every thread then shares one database and takes turns (a transaction holds the
// turn until it ends). That is what tests need; a site uses a file.
//
// Durability: journal_mode=WAL with synchronous=NORMAL. A write acknowledged by this store is
// in the WAL file when the call returns, so it survives the reelpress process being killed
// (kill -9, a crash) but not necessarily a power loss or kernel crash, which may lose the last
// commits since the previous checkpoint (never corrupt the file). synchronous=FULL would
// close that gap at the cost of an fsync per commit. The writer's log is checkpointed by a
// thread of the store's own (checkpointer.h), so no commit waits for a checkpoint.
//
// Other processes: the CLI may write while the server runs. Writers take the write lock at
// BEGIN (BEGIN IMMEDIATE) and wait up to Connection::kBusyTimeoutMs for it, then fail with
// kUnavailable. change_counter() sees their writes (a trigger-maintained counter in the file).
//
// Schema: migrations.h. open() upgrades an older database in place and refuses a newer one.
//
// Beyond store.h:
// - A zero Comment::created_at, Organization::created_at, User::created_at or
//   Media::uploaded_at is replaced by the clock's now() when saved.
// - Saving a value that refers to a missing row (an entry's category, a comment's entry) fails
//   with kInvalidArgument. Foreign keys are checked when the outermost transaction commits, so
//   inside transaction() rows may be written in any order (an import writes children first).
// - Duplicate ids in an entry's category_ids, tag_ids or organization_ids are stored once, at
//   their first position.
//
// Example:
//   auto store = SqliteStore::open(site_dir + "/content.db");
//   if (!store) return fail(store.error());
//   auto status = (*store)->transaction([&]() -> Status { ... });
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/store.h"
#include "util/clock.h"

namespace reelpress::store::sqlite {

class Checkpointer;
class Connection;
class ConnectionPool;

class SqliteStore final : public Store {
 public:
  // New replay digests kept in arrival order (and in memory) before they are sorted into
  // the digest table together, in steps of one transaction each (see record_submission in
  // sqlite_store.cc).
  static constexpr std::size_t kRecentDigests = 32768;
  static constexpr int kSortInSteps = 128;
  // The writer connection's page cache, at most (it grows as pages are read).
  static constexpr int kWriterCacheKiB = 32 * 1024;

  // Opens (creating if needed) the database at `path`, or a private in-memory database for
  // ":memory:", and migrates it to the current schema. `clock` must outlive the store.
  // Errors: kIo when the file cannot be opened or written (missing folder, permissions);
  // kCorrupt when it is not a database, another program's database, or newer than this
  // binary ("content.db is at schema version 7 but this reelpress knows 2; upgrade
  // reelpress"); kUnavailable when another process holds the write lock too long.
  static Result<std::unique_ptr<SqliteStore>> open(
      const std::string& path, const util::Clock& clock = util::SystemClock::instance());

  // Closes every connection. No call may be running on any thread.
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // transaction() always takes the write lock (BEGIN IMMEDIATE): it is for writes. Plain reads
  // need none; each read method sees one consistent snapshot by itself.
  Status transaction(const std::function<Status()>& body) override;
  Result<std::int64_t> change_counter() override;
  Result<ChangeLog> changes_since(std::int64_t after_seq) override;

  Result<Id> save_film(const content::Film& film) override;
  Result<content::Film> film_by_id(Id id) override;
  Result<content::Film> film_by_slug(const std::string& slug) override;
  Result<std::vector<content::Film>> films() override;

  Result<Id> save_category(const content::Category& category) override;
  Result<content::Category> category_by_id(Id id) override;
  Result<std::vector<content::Category>> categories() override;

  Result<Id> save_tag(const content::Tag& tag) override;
  Result<content::Tag> tag_by_id(Id id) override;
  Result<content::Tag> tag_by_slug(const std::string& slug) override;
  Result<std::vector<content::Tag>> tags() override;

  Result<Id> save_entry(const content::Entry& entry) override;
  Result<content::Entry> entry_by_id(Id id) override;
  Result<std::vector<content::Entry>> entries_by_slug(const std::string& slug) override;
  Result<EntryList> list_entries(const EntryQuery& query) override;
  Result<std::vector<content::Entry>> child_pages(std::optional<Id> parent,
                                                  content::EntryStatus status) override;

  Result<Id> save_organization(const content::Organization& org) override;
  Result<content::Organization> organization_by_id(Id id) override;
  Result<std::vector<content::Organization>> organizations_for_entry(Id entry_id) override;
  Result<std::vector<content::Organization>> organizations_with_status(
      content::ModerationStatus status) override;
  Status set_organization_status(Id id, content::ModerationStatus status) override;

  Result<Id> save_comment(const content::Comment& comment) override;
  Result<content::Comment> comment_by_id(Id id) override;
  Result<std::vector<content::Comment>> comments_for_entry(
      Id entry_id, content::ModerationStatus status) override;
  Result<std::vector<content::Comment>> comments_with_status(content::ModerationStatus status,
                                                             int limit) override;
  Status set_comment_status(Id id, content::ModerationStatus status) override;
  Result<int> approved_comment_count(Id entry_id) override;
  Result<bool> has_approved_comment_by(const std::string& author_name,
                                       const std::string& author_email) override;

  // Random bytes from libsodium (randombytes_buf). If two processes make a secret at the same
  // moment, the first one stored wins and both return it.
  Result<std::string> site_secret(const std::string& name, std::size_t bytes) override;
  // Expired digests are deleted by every 256th call, in the same write.
  Result<bool> record_submission(const std::string& digest, util::UnixTime expires_at) override;

  Result<Id> save_user(const content::User& user) override;
  Result<content::User> user_by_id(Id id) override;
  Result<content::User> user_by_login(const std::string& login) override;
  Result<std::vector<content::User>> users() override;
  Status remove_user(Id id) override;

  Status save_session(const content::Session& session) override;
  Result<content::Session> session_by_hash(const std::string& token_hash) override;
  Status remove_session(const std::string& token_hash) override;
  Status remove_sessions(std::optional<Id> user_id, util::UnixTime idle_before,
                         util::UnixTime created_before) override;
  Status record_sign_in_failure(const std::string& login, const std::string& client,
                                util::UnixTime at) override;
  Result<SignInFailures> sign_in_failures_of_login(const std::string& login,
                                                   util::UnixTime since) override;
  Result<SignInFailures> sign_in_failures_of_client(const std::string& client,
                                                    util::UnixTime since) override;
  Result<Id> save_revision(const content::Revision& revision) override;
  Result<content::Revision> revision_by_id(Id id) override;
  Result<std::vector<content::Revision>> revisions_of(Id entry_id) override;
  Result<int> publish_due_entries(util::UnixTime now) override;

  Result<Id> save_media(const content::Media& media) override;
  Result<content::Media> media_by_path(const std::string& path) override;
  Result<std::vector<content::Media>> recent_media(int limit) override;

  Status save_redirect(const content::Redirect& redirect) override;
  Result<content::Redirect> redirect_from(const std::string& path) override;
  Status remove_redirect(const std::string& from_path) override;
  Result<std::vector<content::Redirect>> redirects() override;

  // How many SQLite connections are open: 1 for ":memory:", else one per thread that has
  // called and not yet exited, plus the writer once something was written. For tests and
  // diagnostics; call it while no write runs.
  std::size_t open_connection_count() const;

 private:
  class Lease;
  class WriteLease;

  SqliteStore(std::string path, const util::Clock& clock);

  // The calling thread's connection (opening it on first use), held for the lease's life; the
  // writer connection when this thread is inside a write.
  Result<Lease> lease();
  // The connection to write on, with this process's write turn, unless this thread holds the
  // turn already (a write inside transaction()), which it then joins.
  Result<WriteLease> write_lease();
  // How a write joins a transaction the caller has open on this thread.
  enum class Joining {
    kSavepoint,     // In a savepoint of its own: a failed body undoes only its own writes.
    kOneStatement,  // As it is: the body writes with one statement, which SQLite undoes by
                    // itself when it fails (one less SAVEPOINT and RELEASE per comment in a
                    // group commit).
  };
  // Runs fn(Connection&) on the calling thread's connection: a read snapshot or a write
  // transaction (joining the caller's transaction if one is open on this thread).
  template <typename T, typename Fn>
  Result<T> read(Fn&& fn);
  template <typename T, typename Fn>
  Result<T> write(Fn&& fn, Joining joining = Joining::kSavepoint);
  // For record_submission, inside its write (see sqlite_store.cc): reads recent_digests_
  // again if another connection has committed since; reads it from the table; takes the next
  // step of moving the recent digests into form_submissions, if one is due.
  Status follow_recent_digests(Connection& c);
  Status read_recent_digests(Connection& c);
  Status sort_in_step(Connection& c, util::UnixTime now);

  const std::string path_;
  const util::Clock& clock_;
  const bool memory_;
  const std::uint64_t serial_;  // Unique per store in this process: names its thread slots.

  // A file: writers of this process take turns here before BEGIN IMMEDIATE, on writer_.
  // Waiting inside SQLite would mean its busy handler, which sleeps in steps of 1, 2, 5, 10 ms
  // and more: under concurrent comment posts that stalls every request of the waiting
  // thread's server worker. A mutex hands the turn over at once. Other processes still meet
  // the busy timeout. writer_thread_ is the thread holding the turn (none: a default id).
  std::mutex write_turn_;
  // A file: checkpoints the writer's log on a thread of its own (checkpointer.h). Declared
  // before writer_, so that the writer is closed first.
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<Connection> writer_;  // Opened on the first write; guarded by write_turn_.
  std::atomic<std::thread::id> writer_thread_{};

  // The digests in form_submissions_recent and the move of them under way (see
  // record_submission), used by writes only, so guarded by the write turn (or the memory
  // mutex). recent_version_ is the writing connection's data_version when they were read
  // (-1: never); sort_step_transaction_, the transaction that took the last step.
  using DigestExpiries = std::vector<std::pair<std::string, util::UnixTime>>;
  struct SortIn {
    std::int64_t through_seq = 0;  // The recent digests being moved: seq up to this.
    // Those of them that have not expired, sorted by digest (shared with the copies that
    // undo a step).
    std::shared_ptr<const DigestExpiries> sorted;
    int next_step = 0;  // 0 to kSortInSteps; kSortInSteps: forget the moved ones.
  };
  std::unordered_map<std::string, util::UnixTime> recent_digests_;  // Digest: expiry.
  std::int64_t recent_version_ = -1;
  std::optional<SortIn> sort_in_;
  std::uint64_t sort_step_transaction_ = 0;
  std::uint64_t followed_transaction_ = 0;  // The last transaction that checked data_version.

  // ":memory:": the one connection, and the turn every thread takes to use it. Recursive,
  // because a transaction's body calls the store again on the same thread.
  std::unique_ptr<Connection> memory_connection_;
  std::recursive_mutex memory_mutex_;

  // A file: the connections of every thread, shared with the thread-exit hooks that close
  // them (see sqlite_store.cc).
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace reelpress::store::sqlite
