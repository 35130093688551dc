#include "store/sqlite/wal_writes.h"

#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace reelpress::store::sqlite {
namespace {

// The log's layout (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header,
// then frames of a 24-byte header and a page. Bytes 4 to 7 of a frame header are, big-endian,
// the database's size in pages after a commit for a commit's last frame, and zero otherwise.
constexpr int kLogHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;
// Runs are written when they would grow past this. SQLite's unix VFS writes under 128 KB at
// once: it masks the size of a larger write to its low 17 bits (so 256 KB wrote nothing, and
// came back as a full disk). A commit of a dozen comments is about 50 KB.
constexpr std::size_t kMaxRunBytes = 96 * 1024;

struct LogFile {
  sqlite3_file base;    // pMethods: kLogMethods.
  sqlite3_file* under;  // The file of the VFS underneath, in the memory after this struct.
  std::vector<unsigned char>* run;  // Gathered bytes not yet written, for offset run_at on.
  sqlite3_int64 run_at;
  sqlite3_int64 next;  // Just after the last byte written or gathered; -1: nothing yet.
  bool commit_next;    // The last write was a commit frame's header: its page comes next.
};

constexpr std::size_t kUnderOffset = (sizeof(LogFile) + alignof(std::max_align_t) - 1) /
                                     alignof(std::max_align_t) * alignof(std::max_align_t);

LogFile* log_file(sqlite3_file* file) { return reinterpret_cast<LogFile*>(file); }
const sqlite3_io_methods& under(LogFile* f) { return *f->under->pMethods; }

int write_run(LogFile* f) {
  if (f->run->empty()) return SQLITE_OK;
  const int rc =
      under(f).xWrite(f->under, f->run->data(), static_cast<int>(f->run->size()), f->run_at);
  // Written or failed, the run is done with: after a failure SQLite rolls the commit back,
  // and frames past the log's last commit are never read.
  f->run->clear();
  return rc;
}

bool is_commit_header(const void* data, int amount, sqlite3_int64 offset) {
  if (amount != kFrameHeaderBytes || offset < kLogHeaderBytes) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int log_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  LogFile* f = log_file(file);
  const bool completes_commit = f->commit_next;
  f->commit_next = is_commit_header(data, amount, offset);
  const bool continues = offset == f->next;
  f->next = offset + amount;
  if (continues && f->run->size() + static_cast<std::size_t>(amount) <= kMaxRunBytes) {
    try {
      if (f->run->empty()) f->run_at = offset;
      const auto* bytes = static_cast<const unsigned char*>(data);
      f->run->insert(f->run->end(), bytes, bytes + amount);
      return completes_commit ? write_run(f) : SQLITE_OK;
    } catch (const std::bad_alloc&) {
      // Written at once instead, after what is gathered.
    }
  }
  // A write elsewhere (SQLite rewriting a frame or a checksum of this transaction, the log's
  // header after a restart, the first write of this handle or after another process's
  // frames), or one that does not fit: what is gathered goes first, then this one.
  if (const int rc = write_run(f); rc != SQLITE_OK) return rc;
  return under(f).xWrite(f->under, data, amount, offset);
}

int log_close(sqlite3_file* file) {
  LogFile* f = log_file(file);
  const int written = write_run(f);
  const int closed = under(f).xClose(f->under);
  delete f->run;
  f->run = nullptr;
  return written != SQLITE_OK ? written : closed;
}

// Writes what is gathered, then passes the call on to the file underneath.
template <auto Method, typename... Args>
int after_run(sqlite3_file* file, Args... args) {
  LogFile* f = log_file(file);
  if (const int rc = write_run(f); rc != SQLITE_OK) return rc;
  return (under(f).*Method)(f->under, args...);
}

// Passes the call on: it neither reads nor writes the file's content.
template <auto Method, typename... Args>
int passed_on(sqlite3_file* file, Args... args) {
  LogFile* f = log_file(file);
  return (under(f).*Method)(f->under, args...);
}

// Version 2 and 3 methods: SQLite uses them on database files only, never on a log; passed on
// for completeness.
int log_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** memory) {
  LogFile* f = log_file(file);
  if (under(f).iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return under(f).xShmMap(f->under, region, size, extend, memory);
}

int log_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  LogFile* f = log_file(file);
  if (under(f).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return under(f).xShmLock(f->under, offset, n, flags);
}

void log_shm_barrier(sqlite3_file* file) {
  LogFile* f = log_file(file);
  if (under(f).iVersion >= 2) under(f).xShmBarrier(f->under);
}

int log_shm_unmap(sqlite3_file* file, int delete_flag) {
  LogFile* f = log_file(file);
  if (under(f).iVersion < 2) return SQLITE_OK;
  return under(f).xShmUnmap(f->under, delete_flag);
}

int log_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** pointer) {
  LogFile* f = log_file(file);
  *pointer = nullptr;  // "Read it instead": always allowed.
  if (const int rc = write_run(f); rc != SQLITE_OK) return rc;
  if (under(f).iVersion < 3) return SQLITE_OK;
  return under(f).xFetch(f->under, offset, amount, pointer);
}

int log_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer) {
  LogFile* f = log_file(file);
  if (under(f).iVersion < 3) return SQLITE_OK;
  return under(f).xUnfetch(f->under, offset, pointer);
}

using Io = sqlite3_io_methods;
constexpr Io kLogMethods = {
    3,
    log_close,
    after_run<&Io::xRead, void*, int, sqlite3_int64>,
    log_write,
    after_run<&Io::xTruncate, sqlite3_int64>,
    after_run<&Io::xSync, int>,
    after_run<&Io::xFileSize, sqlite3_int64*>,
    after_run<&Io::xLock, int>,
    after_run<&Io::xUnlock, int>,
    passed_on<&Io::xCheckReservedLock, int*>,
    after_run<&Io::xFileControl, int, void*>,
    passed_on<&Io::xSectorSize>,
    passed_on<&Io::xDeviceCharacteristics>,
    log_shm_map,
    log_shm_lock,
    log_shm_barrier,
    log_shm_unmap,
    log_fetch,
    log_unfetch,
};

// ---- The VFS: xOpen wraps logs; everything else is the VFS underneath. -----------------

sqlite3_vfs* under(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* below = under(vfs);
  // Not a log: the file is the underlying VFS's own, in place (this VFS's files are larger).
  if ((flags & SQLITE_OPEN_WAL) == 0) return below->xOpen(below, name, file, flags, out_flags);

  LogFile* f = log_file(file);
  f->base.pMethods = nullptr;  // Until open: SQLite closes only files with methods.
  f->under = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kUnderOffset);
  f->under->pMethods = nullptr;
  f->run = nullptr;
  f->run_at = 0;
  f->next = -1;
  f->commit_next = false;
  const int rc = below->xOpen(below, name, f->under, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->under->pMethods != nullptr) f->under->pMethods->xClose(f->under);
    return rc;
  }
  f->run = new (std::nothrow) std::vector<unsigned char>();
  if (f->run == nullptr) {
    f->under->pMethods->xClose(f->under);
    return SQLITE_NOMEM;
  }
  f->base.pMethods = &kLogMethods;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return under(vfs)->xDelete(under(vfs), name, sync_dir);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* result) {
  return under(vfs)->xAccess(under(vfs), name, flags, result);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return under(vfs)->xFullPathname(under(vfs), name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) {
  return under(vfs)->xDlOpen(under(vfs), name);
}
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* message) {
  under(vfs)->xDlError(under(vfs), size, message);
}
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return under(vfs)->xDlSym(under(vfs), handle, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* handle) { under(vfs)->xDlClose(under(vfs), handle); }
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return under(vfs)->xRandomness(under(vfs), size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) {
  return under(vfs)->xSleep(under(vfs), microseconds);
}
int vfs_current_time(sqlite3_vfs* vfs, double* now) {
  return under(vfs)->xCurrentTime(under(vfs), now);
}
int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* message) {
  return under(vfs)->xGetLastError(under(vfs), size, message);
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  return under(vfs)->xCurrentTimeInt64(under(vfs), now);
}
int vfs_set_system_call(sqlite3_vfs* vfs, const char* name, sqlite3_syscall_ptr call) {
  return under(vfs)->xSetSystemCall(under(vfs), name, call);
}
sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs* vfs, const char* name) {
  return under(vfs)->xGetSystemCall(under(vfs), name);
}
const char* vfs_next_system_call(sqlite3_vfs* vfs, const char* name) {
  return under(vfs)->xNextSystemCall(under(vfs), name);
}

}  // namespace

const char* register_wal_writes_vfs(const char* name, sqlite3_vfs* below) {
  static std::mutex registering;
  std::lock_guard lock(registering);
  if (below == nullptr || name == nullptr) return nullptr;
  if (sqlite3_vfs_find(name) != nullptr) return name;
  // Registered VFSs must outlive every connection: this one is never freed.
  auto* vfs = new (std::nothrow) sqlite3_vfs{};
  if (vfs == nullptr) return nullptr;
  vfs->iVersion = below->iVersion < 3 ? below->iVersion : 3;
  vfs->szOsFile = static_cast<int>(kUnderOffset) + below->szOsFile;
  vfs->mxPathname = below->mxPathname;
  vfs->zName = name;
  vfs->pAppData = below;
  vfs->xOpen = vfs_open;
  vfs->xDelete = vfs_delete;
  vfs->xAccess = vfs_access;
  vfs->xFullPathname = vfs_full_pathname;
  vfs->xDlOpen = below->xDlOpen ? vfs_dl_open : nullptr;
  vfs->xDlError = below->xDlError ? vfs_dl_error : nullptr;
  vfs->xDlSym = below->xDlSym ? vfs_dl_sym : nullptr;
  vfs->xDlClose = below->xDlClose ? vfs_dl_close : nullptr;
  vfs->xRandomness = vfs_randomness;
  vfs->xSleep = vfs_sleep;
  vfs->xCurrentTime = vfs_current_time;
  vfs->xGetLastError = vfs_get_last_error;
  if (vfs->iVersion >= 2) vfs->xCurrentTimeInt64 = vfs_current_time_int64;
  if (vfs->iVersion >= 3) {
    vfs->xSetSystemCall = below->xSetSystemCall ? vfs_set_system_call : nullptr;
    vfs->xGetSystemCall = below->xGetSystemCall ? vfs_get_system_call : nullptr;
    vfs->xNextSystemCall = below->xNextSystemCall ? vfs_next_system_call : nullptr;
  }
  if (sqlite3_vfs_register(vfs, 0) != SQLITE_OK) {
    delete vfs;
    return nullptr;
  }
  return name;
}

const char* wal_writes_vfs() {
  static const char* const name =
      register_wal_writes_vfs("reelpress-wal", sqlite3_vfs_find(nullptr));
  return name;
}

}  // namespace reelpress::store::sqlite
