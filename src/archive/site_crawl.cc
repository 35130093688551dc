#include "archive/site_crawl.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "render/html_escape.h"
#include "util/text.h"

namespace reelpress::archive {
namespace {

using util::ErrorCode;

constexpr content::EntryKind kEveryKind[] = {
    content::EntryKind::kArticle,      content::EntryKind::kPage,
    content::EntryKind::kIntroduction, content::EntryKind::kOrganizations,
    content::EntryKind::kVideo,        content::EntryKind::kTranscript,
    content::EntryKind::kMap,          content::EntryKind::kResources,
    content::EntryKind::kLessonPlan};

// A path as a request target: decoded first (if it decodes) so that nothing is encoded twice.
std::string as_target(std::string_view path) {
  auto decoded = util::percent_decode(path);
  return util::percent_encode_path(decoded ? *decoded : std::string(path));
}

// An attribute value as the browser reads it. The theme and the sanitizer write only the basic
// references; anything else is left as written.
std::string decode_attribute(std::string_view value) {
  std::string out;
  if (!render::decode_basic_references(value, &out)) out.assign(value);
  return out;
}

// The directory of a page's path, for relative links: "/a/b/" -> "/a/b/", "/a/b" -> "/a/".
std::string directory_of(std::string_view page_path) {
  const std::size_t slash = page_path.rfind('/');
  return std::string(page_path.substr(0, slash + 1));
}

}  // namespace

std::vector<LinkSpan> link_spans(std::string_view html, std::string_view base_url,
                                 std::string_view page_path) {
  std::vector<LinkSpan> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t href = html.find(" href=", at);
    const std::size_t src = html.find(" src=", at);
    const std::size_t found = std::min(href, src);
    if (found == std::string_view::npos) break;
    std::size_t value_start = found + (found == href ? 6 : 5);
    at = value_start;
    if (value_start >= html.size() || (html[value_start] != '"' && html[value_start] != '\'')) {
      continue;
    }
    const char quote = html[value_start++];
    const std::size_t value_end = html.find(quote, value_start);
    if (value_end == std::string_view::npos) break;
    at = value_end + 1;
    std::string link = decode_attribute(html.substr(value_start, value_end - value_start));
    link = std::string(util::trim(link));
    std::string fragment;
    if (const std::size_t hash = link.find('#'); hash != std::string::npos) {
      fragment = link.substr(hash);
      link.resize(hash);
    }
    // A static host serves the path whatever the query ("style.css?v=3" is style.css), and
    // a query that chose a view ("?replytocom=5") names a page that is already listed.
    if (const std::size_t query = link.find('?'); query != std::string::npos) link.resize(query);
    if (link.empty()) continue;
    if (util::starts_with_ignoring_case(link, base_url) &&
        (link.size() == base_url.size() || link[base_url.size()] == '/')) {
      link = link.size() == base_url.size() ? "/" : link.substr(base_url.size());
    } else if (link.starts_with("//") || link.find(':') < link.find('/')) {
      continue;  // Another site, or a scheme (mailto:, https: elsewhere).
    } else if (!link.starts_with("/")) {
      link = directory_of(page_path) + link;
    }
    out.push_back(LinkSpan{value_start, value_end, std::move(link), std::move(fragment)});
  }
  return out;
}

std::vector<std::string> links_of(std::string_view html, std::string_view base_url,
                                  std::string_view page_path) {
  std::vector<std::string> out;
  for (LinkSpan& span : link_spans(html, base_url, page_path)) out.push_back(std::move(span.path));
  return out;
}

std::string host_of(std::string_view base_url) {
  if (const std::size_t scheme = base_url.find("://"); scheme != std::string_view::npos) {
    base_url.remove_prefix(scheme + 3);
  }
  return std::string(base_url.substr(0, base_url.find('/')));
}

std::string_view location_of(const site::Response& response) {
  if (response.status != 301 && response.status != 302 && response.status != 308) return {};
  for (const auto& [name, value] : response.headers) {
    if (util::to_lower(name) == "location") return value;
  }
  return {};
}

std::string redirect_path(std::string_view location, std::string_view base_url,
                          std::string_view from_path) {
  std::vector<std::string> paths =
      links_of(" href=\"" + std::string(location) + "\"", base_url, from_path);
  return paths.empty() ? std::string() : std::move(paths.front());
}

util::Result<std::vector<std::string>> crawl_seeds(store::Store& store,
                                                   const site::Snapshot& snapshot,
                                                   const std::filesystem::path& media_root) {
  std::vector<std::string> seeds = {"/"};
  store::EntryQuery query;
  query.kinds.assign(std::begin(kEveryKind), std::end(kEveryKind));
  query.limit = 500;
  for (query.offset = 0;; query.offset += query.limit) {
    auto list = store.list_entries(query);
    if (!list) return util::fail(list.error());
    for (const content::Entry& entry : list->entries) {
      seeds.push_back(as_target(snapshot.entry_path(entry)));
    }
    if (query.offset + query.limit >= list->total) break;
  }
  for (const content::Film& film : snapshot.films())
    seeds.push_back(as_target(snapshot.film_url(film)));
  auto redirects = store.redirects();
  if (!redirects) return util::fail(redirects.error());
  for (const content::Redirect& r : *redirects) seeds.push_back(as_target(r.from_path));

  namespace fs = std::filesystem;
  std::error_code ec;
  if (media_root.empty() || !fs::is_directory(media_root, ec)) return seeds;
  std::vector<std::string> media;
  for (auto it = fs::recursive_directory_iterator(media_root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::string relative = it->path().lexically_relative(media_root).generic_string();
    if (util::is_plain_relative_path(relative)) media.push_back(as_target("/files/" + relative));
  }
  if (ec) {
    return util::fail(ErrorCode::kIo, "cannot read " + media_root.string() + ": " + ec.message());
  }
  std::sort(media.begin(), media.end());  // The directory's order is no order.
  seeds.insert(seeds.end(), media.begin(), media.end());
  return seeds;
}

namespace {

// Renders a wave of URLs on several threads at once: the handler is thread-safe (the server
// calls it from every worker) and the store gives each thread its own connection. The threads
// live as long as the crawl, so each opens its connection once.
class RenderPool {
 public:
  RenderPool(site::Handler& handler, std::string host, std::string base_url,
             std::filesystem::path media_root, unsigned threads)
      : handler_(handler),
        host_(std::move(host)),
        base_url_(std::move(base_url)),
        media_root_(std::move(media_root)) {
    for (unsigned i = 1; i < threads; ++i) helpers_.emplace_back([this] { help(); });
  }
  ~RenderPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& helper : helpers_) helper.join();
  }
  RenderPool(const RenderPool&) = delete;
  RenderPool& operator=(const RenderPool&) = delete;

  struct Job {
    std::string path;  // Decoded.
    std::string target;
    std::string from;
    site::Response response;
    std::optional<MediaFile> file;
    std::vector<std::string> links;  // Same-site paths the response leads to.
  };

  // Renders every job, this thread helping; returns when all are done.
  void render(std::vector<Job>& jobs) {
    {
      std::lock_guard lock(mutex_);
      jobs_ = &jobs;
      next_ = 0;
      unfinished_ = jobs.size();
      ++wave_;
    }
    wake_.notify_all();
    work();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return unfinished_ == 0; });
    jobs_ = nullptr;
  }

 private:
  void help() {
    std::uint64_t seen_wave = 0;
    while (true) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || wave_ != seen_wave; });
        if (stopping_) return;
        seen_wave = wave_;
      }
      work();
    }
  }

  void work() {
    while (true) {
      Job* job;
      {
        std::lock_guard lock(mutex_);
        if (jobs_ == nullptr || next_ >= jobs_->size()) return;
        job = &(*jobs_)[next_++];
      }
      run(*job);
      std::lock_guard lock(mutex_);
      if (--unfinished_ == 0) done_.notify_all();
    }
  }

  void run(Job& job) const {
    // A media file is not read: its exporter copies it a piece at a time.
    job.file = media_file_for(job.path, media_root_);
    if (job.file) {
      job.response = media_response(*job.file);
      return;
    }
    site::Request request;
    request.method = site::Method::kGet;
    request.target = job.target;
    request.path = job.path;
    request.host = host_;
    job.response = handler_.handle(request);
    const site::Response& r = job.response;
    if (const std::string_view location = location_of(r); !location.empty()) {
      std::string link = redirect_path(location, base_url_, job.path);
      if (!link.empty()) job.links.push_back(std::move(link));
    } else if (r.status == 200 && r.body && r.content_type.starts_with("text/html")) {
      job.links = links_of(r.body->identity, base_url_, job.path);
    }
  }

  site::Handler& handler_;
  const std::string host_;
  const std::string base_url_;
  const std::filesystem::path media_root_;
  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<Job>* jobs_ = nullptr;
  std::size_t next_ = 0;
  std::size_t unfinished_ = 0;
  std::uint64_t wave_ = 0;
  bool stopping_ = false;
};

}  // namespace

util::Status crawl_site(site::Handler& handler, const std::vector<std::string>& seeds,
                        const std::string& base_url, const std::filesystem::path& media_root,
                        const std::function<util::Status(const CrawledUrl&)>& visit,
                        unsigned threads) {
  std::unordered_set<std::string> seen;                   // Decoded paths.
  std::deque<std::pair<std::string, std::string>> queue;  // Target, linked from.
  for (const std::string& seed : seeds) queue.emplace_back(seed, "");
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  RenderPool pool(handler, host_of(base_url), base_url, media_root, threads);

  // Waves of the queue's next URLs are rendered together, then visited in queue order and
  // their links queued in that order: the visits come in the order a crawl one URL at a time
  // would make them.
  constexpr std::size_t kWave = 64;
  std::vector<RenderPool::Job> wave;
  while (!queue.empty()) {
    wave.clear();
    while (!queue.empty() && wave.size() < kWave) {
      auto [target, from] = std::move(queue.front());
      queue.pop_front();
      auto decoded = util::percent_decode(target);
      if (!decoded || !util::is_valid_utf8(*decoded) || !seen.insert(*decoded).second) continue;
      wave.push_back(RenderPool::Job{std::move(*decoded), std::move(target), std::move(from)});
    }
    pool.render(wave);
    for (std::size_t i = 0; i < wave.size(); ++i) {
      RenderPool::Job& job = wave[i];
      CrawledUrl url{job.path,
                     job.target,
                     std::move(job.response),
                     std::move(job.file),
                     job.from,
                     queue.size() + (wave.size() - i - 1)};
      if (url.response.status >= 500) {
        return util::fail(ErrorCode::kInternal,
                          "the page at " + url.path + " (linked from " +
                              (url.linked_from.empty() ? "the seeds" : url.linked_from) +
                              ") cannot be rendered: status " +
                              std::to_string(url.response.status));
      }
      REELPRESS_RETURN_IF_ERROR(visit(url));
      for (const std::string& link : job.links) queue.emplace_back(as_target(link), job.path);
    }
  }
  return {};
}

}  // namespace reelpress::archive
