#include "e2e_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace reelpress::e2e {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
            const std::filesystem::path* in) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (in) {
    posix_spawn_file_actions_addopen(&actions, 0, in->c_str(), O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

std::filesystem::path unique_temp(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::filesystem::temp_directory_path() /
         (prefix + std::to_string(getpid()) + "-" + std::to_string(rng() % 1000000000));
}

}  // namespace

std::string binary() {
  // REELPRESS_BINARY lets the same tests run against another build (an installed binary).
  const char* b = std::getenv("REELPRESS_BINARY");
  return b ? b : REELPRESS_BINARY_PATH;
}

CommandResult run_reelpress(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> argv = {binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out = unique_temp("reelpress-out-");
  const auto in = unique_temp("reelpress-in-");
  std::ofstream(in) << stdin_text;
  const pid_t pid = spawn(argv, out, &in);
  CommandResult r;
  r.exit_code = wait_exit(pid);
  r.output = read_file(out);
  std::filesystem::remove(out);
  std::filesystem::remove(in);
  return r;
}

CommandResult run_shell(const std::string& command) {
  const auto out = unique_temp("reelpress-sh-");
  const pid_t pid = spawn({"/bin/sh", "-c", command}, out, nullptr);
  CommandResult r;
  r.exit_code = wait_exit(pid);
  r.output = read_file(out);
  std::filesystem::remove(out);
  return r;
}

TempDir::TempDir() : path_(unique_temp("reelpress-e2e-")) {
  std::filesystem::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Server::Server(const std::filesystem::path& site, std::vector<std::string> extra_args)
    : log_path_(unique_temp("reelpress-server-log-")) {
  std::vector<std::string> argv = {binary(),    "serve", site.string(), "--listen", "127.0.0.1:0",
                                   "--threads", "2"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(argv, log_path_, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(log_path_);
    const std::size_t at = text.find("at http://127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::atoi(text.c_str() + at + 20);
      if (port_ > 0) return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("reelpress serve exited: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("reelpress serve did not start: " + read_file(log_path_));
}

Server::~Server() {
  if (pid_ > 0) stop();
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

std::string Server::log() const { return read_file(log_path_); }

int Server::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const int code = wait_exit(pid_);
  pid_ = -1;
  return code;
}

void Server::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
  pid_ = -1;
}

std::string Response::header(const std::string& name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

Connection::Connection(int port, const std::string& source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot bind to " + source);
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::send_raw(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    done += static_cast<std::size_t>(n);
  }
}

std::optional<Response> Connection::read_response(bool head, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto fill = [&]() -> bool {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  Response r;
  std::istringstream head_lines(buffer_.substr(0, end));
  std::string line;
  std::getline(head_lines, line);
  if (line.size() < 12) return std::nullopt;
  r.status = std::atoi(line.c_str() + 9);
  while (std::getline(head_lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    std::string name = lower(line.substr(0, colon));
    if (name == "set-cookie") r.set_cookies.push_back(value);
    r.headers[std::move(name)] = value;
  }
  buffer_.erase(0, end + 4);
  std::size_t length = 0;
  if (!head && r.status != 304 && r.status != 204) {
    length = static_cast<std::size_t>(std::atoll(r.header("content-length").c_str()));
  }
  while (buffer_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return r;
}

bool Connection::closed_within(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[4096];
  return ::recv(fd_, buf, sizeof buf, 0) <= 0;
}

Response get(int port, const std::string& target, const std::map<std::string, std::string>& headers,
             const std::string& method, const std::string& body, const std::string& source) {
  Connection c(port, source);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  c.send_raw(req);
  auto r = c.read_response(method == "HEAD");
  if (!r) throw std::runtime_error("no response to " + method + " " + target);
  return *r;
}

std::string tidy_errors(const std::string& html) {
  const auto file = unique_temp("reelpress-tidy-") += ".html";
  std::ofstream(file) << html;
  const CommandResult r = run_shell("tidy -errors -quiet " + file.string());
  std::filesystem::remove(file);
  // tidy exits 0 when clean, 1 with warnings only, 2 with errors.
  return r.exit_code >= 2 ? r.output : std::string();
}

void make_demo_site(const std::filesystem::path& dir) {
  const CommandResult r = run_reelpress({"init", dir.string(), "--demo"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

bool eventually(const std::function<bool()>& fn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fn();
}

long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace reelpress::e2e
