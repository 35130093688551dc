// The HTTP exchange as request handlers see it, free of any network library. The server
// layer (src/server/) turns Beast messages into Request and Response back into bytes; it also
// answers conditional requests (304) and picks the content encoding, so handlers only say
// what the page is.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/clock.h"
#include "util/result.h"

namespace reelpress::site {

enum class Method { kGet, kHead, kPost, kOther };

struct Request {
  Method method = Method::kGet;
  std::string target;  // As received: path and query ("/a/b/?p=4").
  std::string path;    // Percent-decoded path, no query; always starts with '/'.
  std::string query;   // Raw query string, no '?'; may be empty.
  std::string host;
  std::string cookie;
  std::string content_type;
  std::string body;  // Request body (forms); empty for GET.
  // The client's IP address as text ("203.0.113.7"), filled by the server for form posts
  // only, for the per-client rate limit. Privacy (DESIGN.md): it must never be stored,
  // logged, rendered or exported; it lives in memory, for the request and its connection,
  // and nowhere else.
  std::string client_address;
};

// An immutable, possibly shared response body with its precompressed forms. Pages kept in
// the cache are shared between every response that sends them: nothing copies the bytes.
struct Body {
  std::string identity;
  std::string gzip;                  // Empty when not worth compressing or not made.
  std::string brotli;                // Empty when not worth compressing or not made.
  std::string etag;                  // Strong validator of `identity`, quoted: "\"5f2c...\"".
  util::UnixTime last_modified = 0;  // 0: unknown; no Last-Modified header is sent.
};

// Builds a Body: computes the ETag and, when compress is true and the text is large enough
// to gain, the gzip and brotli forms. Thread-safe.
std::shared_ptr<const Body> make_body(std::string identity, util::UnixTime last_modified,
                                      bool compress);

// What public pages send as Content-Security-Policy: only the site's own pages may frame
// them (no clickjacking from another site). Nothing else is restricted: the theme loads
// nothing from elsewhere, and imported bodies are sanitized.
inline constexpr std::string_view kFramedBySiteOnly = "frame-ancestors 'self'";

struct Response {
  int status = 200;
  // A view, so that sending a cached page allocates nothing: it must name a string that
  // outlives the response (a literal, a static table, the theme's assets).
  std::string_view content_type = "text/html; charset=utf-8";
  // Sent as Cache-Control when not empty; a literal, like content_type.
  std::string_view cache_control;
  // Sent as Content-Security-Policy when not empty; a literal, like content_type. Every
  // answer carries the public pages' policy unless its handler sets a stricter one (the
  // admin's, an SVG's sandbox).
  std::string_view content_security_policy = kFramedBySiteOnly;
  std::shared_ptr<const Body> body;  // May be null for an empty body (301, 304, 204).
  // Whether a Range request may get part of the body (206): media files, whose players and
  // download managers ask for parts. Pages leave it off and always answer whole (RFC 9110
  // lets a server ignore Range).
  bool byte_ranges = false;
  // For the page cache (site/site_handler.cc), not sent: the entries whose approved comments
  // the page shows, so that an approval drops this page and no other.
  std::vector<std::int64_t> comments_of;
  // For the page cache too: the categories whose name or description the page shows.
  std::vector<std::int64_t> categories_shown;
  // And the entries whose own fields (title, body, ...) the page shows, so that an edit of
  // one drops the pages that show it and no other.
  std::vector<std::int64_t> entries_shown;
  // Extra headers (Location, Retry-After, Set-Cookie, Allow, ...).
  std::vector<std::pair<std::string, std::string>> headers;
};

// The HTTP status for a failure of the core, for handlers that answer with a page saying what
// went wrong: 404 for a miss, 400 for input that breaks a rule, 409 for a conflict, 403 for a
// permission, 503 when trying again later can work (a full disk, a busy or failing store), 500
// for the rest (corrupt data, a bug).
int status_for(util::ErrorCode code);

// Where an answer given later goes: called exactly once, from any thread.
using Reply = std::function<void(Response)>;

// What the server calls. Implementations must be safe to call from every server thread at
// once; they block only on local work (the store, rendering).
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Response handle(const Request& request) = 0;
  // Whether handle_async() answers `request` without blocking the calling thread on anything
  // slow: it hands the slow part (waiting for the store's writer) to another thread, which
  // replies. The server calls it on its event loop then; other POSTs go to handle() on the
  // server's form threads, as they may block.
  virtual bool replies_later(const Request& request) const {
    (void)request;
    return false;
  }
  // Answers through `reply`, during this call or later from another thread. `request` stays
  // valid until `reply` is called. The default replies with handle() at once.
  virtual void handle_async(const Request& request, Reply reply) { reply(handle(request)); }
  // Whether the sender of `header` may send a body larger than the server's limit for forms
  // (ServerOptions::body_limit), up to its limit for uploads. `header` is a request whose
  // header alone has arrived: its body is empty and none of it has been read, so the answer
  // can rest only on the method, path and cookie (the admin's: a live session of a role that
  // may upload, on the upload form's path). The server asks only for a request that
  // announces a body over the form limit or sends it chunked; a false gets 413 with the body
  // unread. Called on the server's event loop, from every server thread at once: it may read
  // the store, never wait for its writer. The default: nobody may.
  virtual bool accepts_large_body(const Request& header) {
    (void)header;
    return false;
  }
  // A short themed page for errors the server finds before any handler runs (400 for a
  // malformed request, 413 for an oversized one, 408, 500 when handle() threw, 503 when the
  // server is too busy to start it).
  virtual Response error_page(int status) = 0;
};

// Calls `start` with a Reply and waits for the Response it gets, from whichever thread: a
// blocking handle() for requests a handler answers later.
Response wait_for_reply(const std::function<void(Reply)>& start);

}  // namespace reelpress::site
