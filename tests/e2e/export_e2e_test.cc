// `reelpress export`, end to end: the real binary writes the demo site's static tree, and every
// page in it is byte for byte what the live server answers at the same URL; the ZIM and WARC
// files of a live site; and clear failures that leave no file behind. (tests/archive checks
// the three formats further with nginx, linkchecker, zimcheck, kiwix-serve and warcio.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "e2e_support.h"
#include "util/sha1.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every regular file under `root`, relative, except the export's own manifest.
std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    if (relative != ".reelpress-export") out.insert(relative);
  }
  return out;
}

// The URL path a file of the tree answers at (nginx's index.html rule).
std::string path_of_file(const std::string& file) {
  if (file == "index.html") return "/";
  if (file.ends_with("/index.html")) return "/" + file.substr(0, file.size() - 10);
  return "/" + file;
}

TEST(Export, ArchivedDemoSiteExportsEveryPageAsTheServerServesIt) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  ASSERT_EQ(run_reelpress({"archive", site.string(), "on"}).exit_code, 0);

  const CommandResult first = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("no broken links"), std::string::npos) << first.output;
  const std::set<std::string> files = files_under(out);
  for (const char* expected :
       {"index.html", "theme/style.css", "sitemap.xml", "_redirects", "redirects.nginx.conf",
        "downloads.nginx.conf", "films/the-well-keepers/index.html",
        "episodes/the-well-keepers/the-well-keepers/101/index.html"}) {
    EXPECT_EQ(files.count(expected), 1u) << expected;
  }

  Server server(site);
  int pages = 0;
  for (const std::string& file : files) {
    if (file == "sitemap.xml" || file == "_redirects" || file == "redirects.nginx.conf" ||
        file == "downloads.nginx.conf") {
      continue;
    }
    const Response live = get(server.port(), path_of_file(file));
    EXPECT_EQ(live.status, 200) << file;
    EXPECT_EQ(live.body, read_file(out / file)) << file << " differs from the live page";
    if (file.ends_with(".html")) {
      ++pages;
      EXPECT_EQ(live.body.find("<form"), std::string::npos) << file;
    }
  }
  EXPECT_GE(pages, 25);
  const std::string sitemap = read_file(out / "sitemap.xml");
  EXPECT_NE(sitemap.find("<loc>http://127.0.0.1:8080/films/the-well-keepers/</loc>"),
            std::string::npos)
      << sitemap;

  // A second export rewrites nothing; a change rewrites what shows it, not everything.
  const CommandResult again = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(" 0 written"), std::string::npos) << again.output;
  ASSERT_EQ(run_reelpress({"comments", site.string(), "approve", "c8"}).exit_code, 0);
  const CommandResult changed = run_reelpress({"export", site.string(), "--out", out.string()});
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_EQ(changed.output.find(" 0 written"), std::string::npos) << changed.output;
  EXPECT_NE(changed.output.find(" unchanged"), std::string::npos) << changed.output;
  EXPECT_EQ(changed.output.find(" 0 unchanged"), std::string::npos) << changed.output;
}

TEST(Export, ALiveSiteExportsWithoutFormsOrBanner) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(run_reelpress({"export", site.string(), "--out", out.string()}).exit_code, 0);
  const std::string page =
      read_file(out / "episodes/the-well-keepers/the-well-keepers/101/index.html");
  EXPECT_EQ(page.find("<form"), std::string::npos);
  EXPECT_NE(page.find("offline copy"), std::string::npos);
  EXPECT_EQ(page.find("no longer actively maintained"), std::string::npos);
}

TEST(Export, UnwritableOrFullTargetsFailClearlyAndLeaveNoHalfFile) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);

  // A full disk: the temporary file of the first page is /dev/full.
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  fs::create_symlink("/dev/full", out / "index.html.part");
  CommandResult r = run_reelpress({"export", site.string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("index.html: No space left on device"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out / "index.html"));

  fs::path blocked = dir.path() / "file";
  std::ofstream(blocked) << "a file, not a folder";
  r = run_reelpress({"export", site.string(), "--out", (blocked / "out").string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("file/out"), std::string::npos) << r.output;

  r = run_reelpress({"export", site.string(), "--format", "pdf", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

// What an export left in `folder` besides `keep`: nothing, when it failed cleanly.
std::set<std::string> leftovers(const fs::path& folder, const std::string& keep = "") {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name != keep && name != "site") out.insert(name);
  }
  return out;
}

TEST(Export, ALiveSiteExportsAsZimAndWarcFiles) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  const fs::path zim = dir.path() / "demo.zim";
  CommandResult r =
      run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.starts_with("Exported 30 pages, 1 file and 0 redirects")) << r.output;
  EXPECT_NE(r.output.find("no broken links"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Resolve redirect"), std::string::npos) << "libzim's chatter";
  const std::string zim_bytes = read_file(zim);
  ASSERT_GT(zim_bytes.size(), 1000u);
  EXPECT_EQ(zim_bytes.substr(0, 4), std::string("ZIM\x04", 4));  // The ZIM magic number.

  const fs::path warc = dir.path() / "demo.warc.gz";
  r = run_reelpress({"export", site.string(), "--format", "warc", "--out", warc.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(63 records,"), std::string::npos) << r.output;
  EXPECT_EQ(read_file(warc).substr(0, 2), "\x1f\x8b");  // gzip, member by member.
  EXPECT_EQ(leftovers(dir.path()), (std::set<std::string>{"demo.warc.gz", "demo.zim"}));
}

TEST(Export, ZimAndWarcFailuresSayWhyAndLeaveNoFile) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);

  // A full disk under the WARC file.
  const fs::path warc = dir.path() / "site.warc.gz";
  fs::create_symlink("/dev/full", dir.path() / "site.warc.gz.part");
  CommandResult r =
      run_reelpress({"export", site.string(), "--format", "warc", "--out", warc.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write " + warc.string() + ": No space left on device"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(leftovers(dir.path()), std::set<std::string>{});

  // A folder that is a file.
  const fs::path blocked = dir.path() / "file";
  std::ofstream(blocked) << "a file, not a folder";
  for (const char* format : {"zim", "warc"}) {
    r = run_reelpress(
        {"export", site.string(), "--format", format, "--out", (blocked / "out").string()});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("cannot write " + (blocked / "out").string() + ": Not a directory"),
              std::string::npos)
        << r.output;
  }
  EXPECT_EQ(leftovers(dir.path(), "file"), std::set<std::string>{});

  // No room for the ZIM file (here a file size limit, as ulimit -f sets): refused before
  // libzim writes anything, since libzim itself would retry a failed write for ever.
  std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit saved {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 200000;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const fs::path zim = dir.path() / "site.zim";
  r = run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write " + zim.string() + ": the file size limit (ulimit -f) is"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(leftovers(dir.path(), "file"), std::set<std::string>{});
}

// The largest resident size any finished child of this test process reached, in bytes.
std::uint64_t children_peak_bytes() {
  struct rusage usage {};
  getrusage(RUSAGE_CHILDREN, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

std::string sha1_label_of_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  util::Sha1 sha;
  std::vector<char> buffer(1 << 20);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return "sha1:" + util::base32(sha.finish());
}

// One record of a WARC file, read as it inflates: its header, the start of its block and the
// digests of its block and of the payload after the HTTP head.
struct WarcRecordSeen {
  std::string header;  // Up to the blank line.
  std::string block_start;
  std::uint64_t block_bytes = 0;
  std::string block_digest;
  std::string payload_digest;
  std::string field(const std::string& name) const {
    const std::size_t at = header.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const std::size_t start = at + name.size() + 4;
    return header.substr(start, header.find("\r\n", start) - start);
  }
};

// Reads a .warc.gz member by member (each member one record) without holding more than a
// few megabytes of it.
class WarcReader {
 public:
  std::vector<WarcRecordSeen> read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> input(1 << 20), output(1 << 20);
    z_stream z{};
    inflateInit2(&z, 16 + MAX_WBITS);
    while (in.read(input.data(), static_cast<std::streamsize>(input.size())) || in.gcount() > 0) {
      z.next_in = reinterpret_cast<Bytef*>(input.data());
      z.avail_in = static_cast<uInt>(in.gcount());
      while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef*>(output.data());
        z.avail_out = static_cast<uInt>(output.size());
        const int rc = inflate(&z, Z_NO_FLUSH);
        take(std::string_view(output.data(), output.size() - z.avail_out));
        if (rc == Z_STREAM_END) {
          end_record();
          inflateReset(&z);
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
          ADD_FAILURE() << "the WARC file is not gzip: " << rc;
          break;
        }
      }
    }
    inflateEnd(&z);
    return std::move(records_);
  }

 private:
  void take(std::string_view bytes) {
    if (!in_block_) {
      pending_.append(bytes);
      const std::size_t end = pending_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      record_.header = pending_.substr(0, end + 2);
      length_ = std::stoull(record_.field("Content-Length"));
      in_block_ = true;
      const std::string rest = pending_.substr(end + 4);
      pending_.clear();
      take_block(rest);
      return;
    }
    take_block(bytes);
  }

  void take_block(std::string_view bytes) {
    std::string_view part =
        bytes.substr(0, std::min<std::uint64_t>(length_ - record_.block_bytes, bytes.size()));
    block_.update(part);
    const std::uint64_t before = record_.block_bytes;
    record_.block_bytes += part.size();
    if (in_payload_) {
      payload_.update(part);
      return;
    }
    record_.block_start.append(part.substr(0, 1 << 16));
    const std::size_t head_end = record_.block_start.find("\r\n\r\n");
    if (head_end == std::string::npos) return;
    in_payload_ = true;
    part.remove_prefix(std::min<std::uint64_t>(part.size(), head_end + 4 - before));
    payload_.update(part);
  }

  void end_record() {
    record_.block_digest = "sha1:" + util::base32(block_.finish());
    record_.payload_digest = "sha1:" + util::base32(payload_.finish());
    records_.push_back(std::move(record_));
    record_ = {};
    block_ = {};
    payload_ = {};
    in_block_ = in_payload_ = false;
  }

  std::vector<WarcRecordSeen> records_;
  WarcRecordSeen record_;
  std::string pending_;  // The record's header, until its blank line.
  std::uint64_t length_ = 0;
  util::Sha1 block_, payload_;
  bool in_block_ = false, in_payload_ = false;
};

// A file of `size` bytes that takes no room on disk (a hole reads as zeros), with `marker`
// written at each of `offsets`.
void write_sparse_file(const fs::path& path, std::uint64_t size,
                       const std::vector<std::uint64_t>& offsets, const std::string& marker) {
  fs::create_directories(path.parent_path());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
  for (std::uint64_t offset : offsets) {
    ASSERT_EQ(::pwrite(fd, marker.data(), marker.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(marker.size()));
  }
  ::close(fd);
}

std::string read_range(const fs::path& path, std::uint64_t offset, std::size_t size) {
  std::string bytes(size, '\0');
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return {};
  const ssize_t n = ::pread(fd, bytes.data(), size, static_cast<off_t>(offset));
  ::close(fd);
  bytes.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return bytes;
}

TEST(Export, LargeMediaFilesAreCopiedInBoundedMemory) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  ASSERT_EQ(run_reelpress({"init", site.string(), "--demo"}).exit_code, 0);
  constexpr std::uint64_t kSize = std::uint64_t{1} << 30;
  const std::string marker = "reelpress-marker";
  const std::vector<std::uint64_t> offsets = {0, (kSize / 2) + 3, kSize - marker.size()};
  const fs::path video = site / "media/2024/05/episode-1.mp4";
  write_sparse_file(video, kSize, offsets, marker);
  // Far below the file's size: what rendering the demo site takes, with room to spare. A
  // sanitizer build (make asan) adds its shadow memory and a quarantine of up to 256 MB of
  // freed blocks on top of what the export itself holds: still far below 1 GiB.
#if defined(__SANITIZE_ADDRESS__)
  constexpr std::uint64_t kPeak = 512 << 20;
#else
  constexpr std::uint64_t kPeak = 256 << 20;
#endif

  const fs::path zim = dir.path() / "site.zim";
  CommandResult r =
      run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(children_peak_bytes(), kPeak) << "the ZIM export held the file in memory";

  const fs::path tree = dir.path() / "tree";
  r = run_reelpress({"export", site.string(), "--out", tree.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(children_peak_bytes(), kPeak) << "the static export held the file in memory";
  const fs::path copy = tree / "files/2024/05/episode-1.mp4";
  ASSERT_EQ(fs::file_size(copy), kSize);
  for (std::uint64_t offset : offsets) {
    EXPECT_EQ(read_range(copy, offset, marker.size()), marker) << offset;
    EXPECT_EQ(read_range(copy, offset + marker.size(), 4096),
              read_range(video, offset + marker.size(), 4096));
  }
  EXPECT_EQ(sha1_label_of_file(copy), sha1_label_of_file(video));
  r = run_reelpress({"export", site.string(), "--out", tree.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" 0 written"), std::string::npos) << r.output;
  EXPECT_LT(children_peak_bytes(), kPeak);

  const fs::path warc = dir.path() / "site.warc.gz";
  r = run_reelpress({"export", site.string(), "--format", "warc", "--out", warc.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(children_peak_bytes(), kPeak) << "the WARC export held the file in memory";
  const std::string expected = sha1_label_of_file(video);
  int found = 0;
  for (const WarcRecordSeen& record : WarcReader().read(warc)) {
    EXPECT_EQ(record.field("WARC-Block-Digest"), record.block_digest) << record.header;
    EXPECT_EQ(record.field("Content-Length"), std::to_string(record.block_bytes));
    if (record.field("WARC-Type") != "response") continue;
    EXPECT_EQ(record.field("WARC-Payload-Digest"), record.payload_digest) << record.header;
    if (!record.field("WARC-Target-URI").ends_with("/files/2024/05/episode-1.mp4")) continue;
    ++found;
    EXPECT_EQ(record.payload_digest, expected);
    EXPECT_TRUE(record.block_start.starts_with("HTTP/1.1 200 OK\r\n")) << record.block_start;
    EXPECT_NE(record.block_start.find("Content-Length: " + std::to_string(kSize) + "\r\n"),
              std::string::npos);
    EXPECT_NE(record.block_start.find("Content-Type: video/mp4\r\n"), std::string::npos);
  }
  EXPECT_EQ(found, 1);

  // Last: zimdump holds the whole entry in memory, and this process's children are measured.
  const fs::path shown = dir.path() / "from-zim.mp4";
  ASSERT_EQ(run_shell("zimdump show --url=files/2024/05/episode-1.mp4 " + zim.string() + " > " +
                      shown.string())
                .exit_code,
            0);
  EXPECT_EQ(fs::file_size(shown), kSize);
  EXPECT_EQ(sha1_label_of_file(shown), sha1_label_of_file(video));
}

const fs::path kFixtures = fs::path(REELPRESS_SOURCE_DIR) / "tests" / "fixtures";

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A port no one listens on now (the kernel's pick, released at once).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// nginx serving a static export with the configuration files it holds, as its README
// says to include them, on 127.0.0.1; stopped at destruction.
class Nginx {
 public:
  Nginx(const fs::path& tree, const fs::path& work) : port_(free_port()) {
    fs::create_directories(work);
    const fs::path conf = work / "nginx.conf";
    std::ofstream(conf) << "worker_processes 1;\ndaemon off;\nmaster_process off;\n"
                        << "pid " << (work / "nginx.pid").string() << ";\n"
                        << "error_log " << (work / "error.log").string() << ";\n"
                        << "events {}\nhttp {\n  include /etc/nginx/mime.types;\n"
                        << "  default_type application/octet-stream;\n  access_log off;\n"
                        << "  client_body_temp_path " << work.string() << ";\n"
                        << "  include " << (tree / "redirects.nginx.conf").string() << ";\n"
                        << "  server {\n    listen 127.0.0.1:" << port_ << ";\n"
                        << "    root " << tree.string() << ";\n"
                        << "    include " << (tree / "downloads.nginx.conf").string() << ";\n"
                        << "    if ($reelpress_redirect) { return 301 $reelpress_redirect; }\n"
                        << "  }\n}\n";
    std::vector<std::string> args = {"nginx", "-c", conf.string(), "-e",
                                     (work / "error.log").string()};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "nginx", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    started_ = pid_ > 0 && eventually([&] {
                 int status = 0;
                 if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                   pid_ = -1;
                   return true;  // It stopped: the configuration did not load.
                 }
                 try {
                   return get(port_, "/").status != 0;
                 } catch (const std::exception&) {
                   return false;  // Not listening yet.
                 }
               }) &&
               pid_ > 0;
    if (!started_) error_log_ = read_file(work / "error.log");
  }
  ~Nginx() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool started() const { return started_; }
  const std::string& error_log() const { return error_log_; }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
  bool started_ = false;
  std::string error_log_;
};

// Whether a plain file server (nginx, Apache, python -m http.server, a CDN) could send a
// file of this name as a document a browser runs: by any of its extensions (Apache maps
// "a.html.x" by its "html"), or with no type at all (no extension), which browsers sniff.
bool plain_server_may_run(const std::string& file) {
  const std::string name = fs::path(file).filename().string();
  const std::vector<std::string> active = {"html", "htm", "shtml", "xhtml", "xht", "svg",
                                           "svgz", "xml", "xsl",   "xslt",  "js",  "mjs",
                                           "php",  "mht", "mhtml", "swf",   "hta", "xsd"};
  const std::size_t first_dot = name.find('.');
  if (first_dot == std::string::npos) return true;
  std::stringstream parts(name.substr(first_dot + 1));
  for (std::string part; std::getline(parts, part, '.');) {
    for (const std::string& a : active) {
      if (part.size() == a.size() &&
          std::equal(part.begin(), part.end(), a.begin(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) == y;
          })) {
        return true;
      }
    }
  }
  return false;
}

TEST(Export, UploadedHtmlAndSvgAreNeverPublishedAsDocumentsOfTheSite) {
  TempDir dir;
  const fs::path site = dir.path() / "site";
  const fs::path uploads = dir.path() / "uploads";
  const std::string html = "<html><body><script>alert(document.cookie)</script></body></html>";
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"
      "<script>alert(document.domain)</script></svg>";
  const std::string sniffed = "<!DOCTYPE html>\n<p>notes<script>alert(2)</script>";
  const std::string pdf = "%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript >> >>\n%%EOF\n";
  write_file(uploads / "2009/07/evil.html", html);
  write_file(uploads / "2009/07/evil.svg", svg);
  write_file(uploads / "2009/07/notes", sniffed);  // No extension: a server sends no type.
  write_file(uploads / "2009/07/press-kit.pdf", pdf);
  write_file(uploads / "2009/07/caravan.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg");
  // A body that links each of them.
  std::string wxr = read_file(kFixtures / "wordpress-sample.wxr");
  const std::string caption = "Caravan at dawn[/caption]";
  ASSERT_NE(wxr.find(caption), std::string::npos);
  wxr.replace(wxr.find(caption), caption.size(),
              caption +
                  " <a href=\"/files/2009/07/evil.html\">evil page</a>"
                  " <a href=\"/wp-content/uploads/2009/07/evil.svg\">evil map</a>"
                  " <a href=\"/files/2009/07/notes\">notes</a>"
                  " <a href=\"/files/2009/07/press-kit.pdf\">press kit</a>");
  write_file(dir.path() / "site.wxr", wxr);
  ASSERT_EQ(run_reelpress({"init", site.string()}).exit_code, 0);
  CommandResult r = run_reelpress(
      {"import", site.string(), (dir.path() / "site.wxr").string(), "--uploads", uploads.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The import names what a browser would run, and what the exports do with it.
  for (const char* name :
       {"2009/07/evil.html (HTML)", "2009/07/evil.svg (SVG)", "2009/07/notes (HTML)"}) {
    EXPECT_NE(r.output.find(name), std::string::npos) << name << " in\n" << r.output;
  }
  EXPECT_EQ(r.output.find("press-kit.pdf"), std::string::npos) << r.output;

  const fs::path tree = dir.path() / "tree";
  r = run_reelpress({"export", site.string(), "--out", tree.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The fixture links an admin page it never had; the uploads are no broken links.
  std::stringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("(linked from") != std::string::npos) {
      EXPECT_EQ(line.find("2009/07"), std::string::npos) << "a broken link: " << line;
    }
  }
  EXPECT_NE(r.output.find("/files/2009/07/evil.html -> /files/2009/07/evil_html.download"),
            std::string::npos)
      << r.output;
  // No file of the tree holds an uploaded document under a name a server would run.
  std::map<std::string, int> copies;  // Payload -> files that hold it.
  std::string page_with_links;
  for (const std::string& file : files_under(tree)) {
    const std::string bytes = read_file(tree / file);
    for (const std::string* active : {&html, &svg, &sniffed}) {
      if (bytes != *active) continue;
      ++copies[*active];
      EXPECT_FALSE(plain_server_may_run(file)) << file;
      EXPECT_TRUE(file.ends_with(".download")) << file;
    }
    if (bytes.find(">evil page</a>") != std::string::npos) page_with_links = file;
  }
  EXPECT_GE(copies[html], 1);
  EXPECT_GE(copies[svg], 1);
  EXPECT_GE(copies[sniffed], 1);
  // The page links the files under their new names: nothing it links is missing.
  ASSERT_FALSE(page_with_links.empty());
  const std::string page = read_file(tree / page_with_links);
  for (const char* link : {"evil.html\"", "evil.svg\"", "notes\""}) {
    EXPECT_EQ(page.find(link), std::string::npos) << link;
  }

  // Served with the configuration the export wrote: downloads, never documents.
  Nginx nginx(tree, dir.path() / "nginx");
  ASSERT_TRUE(nginx.started()) << nginx.error_log();
  int downloads = 0;
  for (const std::string& file : files_under(tree)) {
    if (!file.ends_with(".download") && !file.ends_with(".pdf")) continue;
    ++downloads;
    const Response served = get(nginx.port(), "/" + file);
    EXPECT_EQ(served.status, 200) << file;
    EXPECT_TRUE(served.header("content-disposition").starts_with("attachment")) << file;
    EXPECT_EQ(served.header("x-content-type-options"), "nosniff") << file;
    EXPECT_EQ(served.header("content-type"),
              file.ends_with(".pdf") ? "application/pdf" : "application/octet-stream")
        << file;
  }
  EXPECT_GE(downloads, 4);

  // The ZIM file leaves them out, says so, and its links to them lead to the site.
  const fs::path zim = dir.path() / "site.zim";
  r = run_reelpress({"export", site.string(), "--format", "zim", "--out", zim.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("left out"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/files/2009/07/evil.html"), std::string::npos) << r.output;
  const CommandResult list = run_shell("zimdump list " + zim.string());
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("files/2009/07/caravan.jpg"), std::string::npos) << list.output;
  for (const char* left_out : {"evil.html", "evil.svg", "2009/07/notes\n", "evil_"}) {
    EXPECT_EQ(list.output.find(left_out), std::string::npos) << left_out << "\n" << list.output;
  }
}

}  // namespace
}  // namespace reelpress::e2e
