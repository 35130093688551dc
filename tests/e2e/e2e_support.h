// What the end-to-end tests share: a temporary site made by the real `reelpress` binary, the
// binary serving it on a free loopback port, and a small HTTP/1.1 client on raw sockets (so
// tests can also send half a request, or several at once).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace reelpress::e2e {

// Path of the binary under test: REELPRESS_BINARY if set, else the one this build made.
std::string binary();

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together.
};
// Runs the binary with args, waits, and returns its exit code and output.
CommandResult run_reelpress(const std::vector<std::string>& args,
                            const std::string& stdin_text = "");
// Runs a shell command line; for tools such as tidy.
CommandResult run_shell(const std::string& command);

// A fresh temporary directory, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `reelpress serve DIR --listen 127.0.0.1:0` as a child process. Waits for the line that
// names the port; SIGTERM and wait at destruction.
class Server {
 public:
  explicit Server(const std::filesystem::path& site, std::vector<std::string> extra_args = {});
  ~Server();
  int port() const { return port_; }
  // The server's process id, for reading its /proc entries; -1 once it has stopped.
  pid_t pid() const { return pid_; }
  // Everything the server wrote so far (access log and errors).
  std::string log() const;
  // Sends SIGTERM and waits; returns the exit code.
  int stop();
  // SIGKILL and wait (for crash-safety tests).
  void kill_hard();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path log_path_;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // Lower-case names; the last of repeated ones.
  std::vector<std::string> set_cookies;        // Every Set-Cookie value, in order.
  std::string body;
  std::string header(const std::string& name) const;
};

// One HTTP/1.1 connection to 127.0.0.1:port, from `source` when given (another loopback
// address such as "127.0.0.7", so that the server sees a client of its own).
class Connection {
 public:
  explicit Connection(int port, const std::string& source = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send_raw(const std::string& bytes);
  // Reads one response; for HEAD requests pass head = true (no body follows).
  std::optional<Response> read_response(
      bool head = false, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closed the connection within timeout.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string buffer_;
};

// A GET (or other method) on a fresh connection, from `source` when given (see Connection).
Response get(int port, const std::string& target,
             const std::map<std::string, std::string>& headers = {},
             const std::string& method = "GET", const std::string& body = "",
             const std::string& source = "");

// Fetches path and follows no redirects; checks the page passes `tidy -errors -quiet`.
// Returns tidy's complaints, empty when the page is clean.
std::string tidy_errors(const std::string& html);

// Creates a demo site in dir with `reelpress init --demo`; fails the test if it cannot.
void make_demo_site(const std::filesystem::path& dir);

// The resident memory of process `pid` in KiB (VmRSS in /proc/PID/status); 0 if unknown.
long resident_kib(pid_t pid);

// Polls fn until it returns true or timeout passes.
bool eventually(const std::function<bool()>& fn,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace reelpress::e2e
