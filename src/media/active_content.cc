#include "media/active_content.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "media/upload.h"
#include "util/text.h"

namespace reelpress::media {
namespace {

struct KindRule {
  std::string_view key;  // An extension, or a MIME type libmagic names.
  std::string_view kind;
};

// Extensions that file servers map to a type a browser runs, or run themselves.
constexpr std::array kActiveExtensions = {
    KindRule{"htm", "HTML"},
    KindRule{"html", "HTML"},
    KindRule{"hta", "HTML"},
    KindRule{"mht", "HTML"},
    KindRule{"mhtml", "HTML"},
    KindRule{"shtml", "HTML"},
    KindRule{"xht", "HTML"},
    KindRule{"xhtml", "HTML"},
    KindRule{"svg", "SVG"},
    KindRule{"svgz", "SVG"},
    KindRule{"xml", "XML"},
    KindRule{"xsl", "XML"},
    KindRule{"xslt", "XML"},
    KindRule{"js", "script"},
    KindRule{"mjs", "script"},
    KindRule{"swf", "Flash"},
    KindRule{"asp", "server script"},
    KindRule{"aspx", "server script"},
    KindRule{"cgi", "server script"},
    KindRule{"jsp", "server script"},
    KindRule{"phar", "server script"},
    KindRule{"php", "server script"},
    KindRule{"php3", "server script"},
    KindRule{"php4", "server script"},
    KindRule{"php5", "server script"},
    KindRule{"php7", "server script"},
    KindRule{"phps", "server script"},
    KindRule{"pht", "server script"},
    KindRule{"phtml", "server script"},
    KindRule{"pl", "server script"},
    KindRule{"py", "server script"},
};

constexpr std::array kActiveTypes = {
    KindRule{"text/html", "HTML"},
    KindRule{"application/xhtml+xml", "HTML"},
    KindRule{"image/svg+xml", "SVG"},
    KindRule{"image/svg", "SVG"},
    KindRule{"text/xml", "XML"},
    KindRule{"application/xml", "XML"},
    KindRule{"text/javascript", "script"},
    KindRule{"application/javascript", "script"},
    KindRule{"application/x-javascript", "script"},
    KindRule{"text/x-php", "server script"},
    KindRule{"application/x-shockwave-flash", "Flash"},
};

// The WHATWG MIME Sniffing standard's patterns for HTML (section 7.1, each followed by a
// space or ">"), checked after leading white space and without regard to case.
constexpr std::array<std::string_view, 17> kHtmlSignatures = {"<!doctype html",
                                                              "<html",
                                                              "<head",
                                                              "<script",
                                                              "<iframe",
                                                              "<h1",
                                                              "<div",
                                                              "<font",
                                                              "<table",
                                                              "<a",
                                                              "<style",
                                                              "<title",
                                                              "<b",
                                                              "<body",
                                                              "<br",
                                                              "<p",
                                                              "<!--"};

std::string_view sniffed_kind(std::string_view bytes) {
  std::size_t at = 0;
  while (at < bytes.size() && (bytes[at] == ' ' || bytes[at] == '\t' || bytes[at] == '\n' ||
                               bytes[at] == '\r' || bytes[at] == '\f')) {
    ++at;
  }
  bytes.remove_prefix(at);
  if (bytes.starts_with("<?xml")) return "XML";
  for (std::string_view signature : kHtmlSignatures) {
    if (bytes.size() <= signature.size() || !util::starts_with_ignoring_case(bytes, signature)) {
      continue;
    }
    const char next = bytes[signature.size()];
    if (next == ' ' || next == '>') return "HTML";
  }
  return {};
}

}  // namespace

util::Result<std::string> active_kind(std::string_view name, std::string_view first_bytes) {
  std::string_view file = name.substr(name.rfind('/') + 1);
  // Every extension counts, and a leading dot starts no extension.
  for (std::size_t dot = file.find('.', 1); dot != std::string_view::npos;) {
    const std::size_t next = file.find('.', dot + 1);
    const std::string extension = util::to_lower(
        file.substr(dot + 1, next == std::string_view::npos ? next : next - dot - 1));
    for (const KindRule& rule : kActiveExtensions) {
      if (rule.key == extension) return std::string(rule.kind);
    }
    dot = next;
  }
  if (const std::string_view kind = sniffed_kind(first_bytes); !kind.empty()) {
    return std::string(kind);
  }
  if (first_bytes.empty()) return std::string();
  auto type = detect_mime_type(first_bytes);
  if (!type) return util::fail(type.error());
  for (const KindRule& rule : kActiveTypes) {
    if (rule.key == *type) return std::string(rule.kind);
  }
  return std::string();
}

util::Result<std::string> active_kind_of_file(const std::filesystem::path& path,
                                              std::string_view name) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return util::fail(util::ErrorCode::kIo,
                      "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string bytes(kSniffBytes, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return util::fail(util::ErrorCode::kIo,
                        "cannot read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);
  return active_kind(name, bytes);
}

}  // namespace reelpress::media
