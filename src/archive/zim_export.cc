#include "archive/zim_export.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <zim/writer/creator.h>
#include <zim/writer/item.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>
#include <unordered_set>

#include "media/active_content.h"
#include "render/html_escape.h"
#include "util/text.h"

namespace reelpress::archive {
namespace {

namespace fs = std::filesystem;
using util::ErrorCode;

// At most `limit` characters (code points), the last one an ellipsis when it is cut.
std::string shortened(std::string_view text, std::size_t limit) {
  if (limit == 0 || util::code_points(text) <= limit) return std::string(text);
  const std::size_t cut = util::offset_after_code_points(text, limit - 1);
  return std::string(util::trim(text.substr(0, cut))) + "\xE2\x80\xA6";
}

// Whether a ZIM reader gains by compressing the item: text does, pictures and video do not.
bool compressible(std::string_view mime) {
  return mime.starts_with("text/") || mime.starts_with("application/javascript") ||
         mime.starts_with("application/json") || mime.starts_with("application/xml") ||
         mime.starts_with("image/svg+xml");
}

// libzim prints its progress ("Resolve redirect", "set index") to standard output whatever
// configVerbose says; the command's own output must stay what it documents.
class QuietStdout {
 public:
  QuietStdout() {
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ >= 0 && null >= 0) ::dup2(null, STDOUT_FILENO);
    if (null >= 0) ::close(null);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    if (saved_ < 0) return;
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }
  QuietStdout(const QuietStdout&) = delete;
  QuietStdout& operator=(const QuietStdout&) = delete;

 private:
  int saved_ = -1;
};

void remove_quietly(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// Whether the folder of `out` has room for `needed` bytes, and the process may write a file
// that large (ulimit -f).
util::Status check_room(const fs::path& out, std::uint64_t needed) {
  fs::path folder = out.parent_path();
  if (folder.empty()) folder = ".";
  struct statvfs disk {};
  if (::statvfs(folder.c_str(), &disk) == 0) {
    const std::uint64_t free_bytes = std::uint64_t{disk.f_bavail} * disk.f_frsize;
    if (free_bytes < needed) {
      return util::fail(ErrorCode::kIo, "cannot write " + out.string() + ": not enough room (" +
                                            megabytes(needed) + " may be needed, " +
                                            megabytes(free_bytes) + " free)");
    }
  }
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur < needed) {
    return util::fail(ErrorCode::kIo, "cannot write " + out.string() +
                                          ": the file size limit (ulimit -f) is " +
                                          megabytes(limit.rlim_cur) + " and " + megabytes(needed) +
                                          " may be needed");
  }
  return {};
}

}  // namespace

std::string relative_file_link(std::string_view from_file, std::string_view to_file) {
  std::vector<std::string_view> from = util::split(from_file, '/');
  from.pop_back();  // The file's own name: links start from its folder.
  const std::vector<std::string_view> to = util::split(to_file, '/');
  std::size_t common = 0;
  while (common < from.size() && common + 1 < to.size() && from[common] == to[common]) ++common;
  std::string link;
  for (std::size_t i = common; i < from.size(); ++i) link += "../";
  for (std::size_t i = common; i < to.size(); ++i) {
    link += to[i];
    if (i + 1 < to.size()) link += '/';
  }
  return link;
}

std::string with_relative_links(std::string_view html, std::string_view base_url,
                                std::string_view page_path,
                                const std::unordered_set<std::string>& missing) {
  const std::string page_file = file_for_path(page_path);
  if (page_file.empty()) return std::string(html);
  return rewrite_links(
      html, base_url, page_path, [&](const LinkSpan& span) -> std::optional<std::string> {
        if (missing.count(span.path) != 0) return missing_link(base_url, span);
        const std::string file = file_for_path(span.path);
        if (file.empty()) return std::nullopt;  // Left as written: it names no file here.
        std::string value;
        render::append_escaped_html(
            value, util::percent_encode_path(relative_file_link(page_file, file)) + span.fragment);
        return value;
      });
}

std::string zim_language(std::string_view bcp47) {
  std::string primary = util::to_lower(bcp47.substr(0, bcp47.find_first_of("-_")));
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"ar", "ara"}, {"bg", "bul"}, {"bn", "ben"}, {"ca", "cat"}, {"cs", "ces"}, {"cy", "cym"},
      {"da", "dan"}, {"de", "deu"}, {"el", "ell"}, {"en", "eng"}, {"eo", "epo"}, {"es", "spa"},
      {"et", "est"}, {"eu", "eus"}, {"fa", "fas"}, {"fi", "fin"}, {"fr", "fra"}, {"ga", "gle"},
      {"gl", "glg"}, {"he", "heb"}, {"hi", "hin"}, {"hr", "hrv"}, {"hu", "hun"}, {"hy", "hye"},
      {"id", "ind"}, {"is", "isl"}, {"it", "ita"}, {"ja", "jpn"}, {"ka", "kat"}, {"km", "khm"},
      {"ko", "kor"}, {"ku", "kur"}, {"lt", "lit"}, {"lv", "lav"}, {"mk", "mkd"}, {"ms", "msa"},
      {"my", "mya"}, {"nb", "nob"}, {"ne", "nep"}, {"nl", "nld"}, {"nn", "nno"}, {"no", "nor"},
      {"pa", "pan"}, {"pl", "pol"}, {"ps", "pus"}, {"pt", "por"}, {"ro", "ron"}, {"ru", "rus"},
      {"sk", "slk"}, {"sl", "slv"}, {"so", "som"}, {"sq", "sqi"}, {"sr", "srp"}, {"sv", "swe"},
      {"sw", "swa"}, {"ta", "tam"}, {"th", "tha"}, {"ti", "tir"}, {"tl", "tgl"}, {"tr", "tur"},
      {"uk", "ukr"}, {"ur", "urd"}, {"vi", "vie"}, {"yi", "yid"}, {"zh", "zho"}, {"zu", "zul"},
  };
  if (primary.size() == 3) return primary;
  for (const auto& [two, three] : kCodes) {
    if (primary == two) return std::string(three);
  }
  return "und";
}

std::string ZimExportSummary::to_string(const fs::path& out) const {
  std::string text = "Exported " + counts.describe() + " to " + out.string() + " (" +
                     megabytes(file_bytes) + "); " + counts.describe_broken_links(base_url);
  if (left_out.empty()) return text;
  text += "\n" + std::to_string(left_out.size()) +
          (left_out.size() == 1 ? " uploaded file is one" : " uploaded files are ones") +
          " a browser or a web server would run, left out (links to them lead to " + base_url +
          "):";
  for (const auto& [path, kind] : left_out) text += "\n  " + path + " (" + kind + ")";
  return text;
}

util::Result<ZimExportSummary> export_zim(site::Handler& handler,
                                          const std::vector<std::string>& seeds,
                                          const ZimExportOptions& options) {
  // libzim writes PART.tmp while it works and renames it to PART at the end; PART becomes
  // the final name only once it is whole.
  const fs::path part = options.out.string() + ".part";
  const fs::path work = part.string() + ".tmp";
  auto cleanup = [&] {
    remove_quietly(work);
    remove_quietly(part);
    // The full-text and title indexes libzim builds beside the file (Xapian databases).
    for (const char* index : {"_fulltext.idx", "_title.idx"}) {
      const fs::path file = part.string() + index;
      remove_quietly(file);
      std::error_code ec;
      fs::remove_all(file.string() + ".tmp", ec);
    }
  };
  auto io_error = [&](const std::string& why) {
    cleanup();
    return util::Error{ErrorCode::kIo, "cannot write " + options.out.string() + ": " + why};
  };
  if (options.room_needed > 0) {
    REELPRESS_RETURN_IF_ERROR(check_room(options.out, options.room_needed));
  }
  // libzim reports a file it cannot create as a bare exception: try it first, for the
  // reason.
  if (FILE* probe = std::fopen(part.c_str(), "wb")) {
    std::fclose(probe);
  } else {
    return util::fail(io_error(std::strerror(errno)));
  }

  ZimExportSummary summary;
  summary.base_url = options.base_url;
  try {
    zim::writer::Creator creator;
    const ZimMetadata& meta = options.metadata;
    creator.configVerbose(false)
        .configCompression(zim::Compression::Zstd)
        .configNbWorkers(2)
        .configIndexing(options.full_text_index, meta.language);
    creator.startZimCreation(part.string());

    struct Page {
      std::string entry;  // "a/b/index.html"
      std::string path;   // "/a/b/"
      std::string mime;
      std::shared_ptr<const site::Body> body;
    };
    std::vector<Page> pages;
    std::unordered_set<std::string> entries;
    std::vector<std::tuple<std::string, std::string, std::string>>
        redirects;                              // Path, title, target.
    std::unordered_set<std::string> elsewhere;  // Paths whose links lead to the site.
    const util::Status crawled =
        crawl_for_export(handler, seeds, options.base_url, options.media_root, options.progress,
                         summary.counts, [&](const ExportedUrl& exported) -> util::Status {
                           const CrawledUrl& url = exported.url;
                           const std::string path = file_for_path(url.path);
                           if (path.empty()) return {};
                           if (exported.kind == UrlKind::kRedirect) {
                             if (exported.redirect_off_site)
                               return {};  // A ZIM file holds no other site.
                             const std::string target = file_for_path(exported.redirect_to);
                             if (!target.empty()) redirects.emplace_back(path, url.path, target);
                             return {};
                           }
                           if (url.file) {
                             auto kind = media::active_kind_of_file(url.file->path, url.file->name);
                             if (!kind) return util::fail(kind.error());
                             if (!kind->empty()) {
                               summary.left_out.emplace_back(url.path, std::move(*kind));
                               elsewhere.insert(url.path);
                               --summary.counts.files;
                               summary.counts.bytes -= url.file->size;
                               return {};
                             }
                           }
                           if (!entries.insert(path).second) return {};
                           const std::string mime(url.response.content_type);
                           zim::writer::Hints hints;
                           hints[zim::writer::COMPRESS] = compressible(mime) ? 1 : 0;
                           if (exported.kind == UrlKind::kPage) {
                             // Added once the crawl is over and every missing path is known.
                             pages.push_back({path, url.path, mime, url.response.body});
                             return {};
                           }
                           if (url.file) {
                             // libzim reads it a piece at a time while it writes the file.
                             creator.addItem(std::make_shared<zim::writer::FileItem>(
                                 path, mime, std::string(), hints, url.file->path.string()));
                             return {};
                           }
                           creator.addItem(zim::writer::StringItem::create(
                               path, mime, std::string(), hints, url.response.body->identity));
                           return {};
                         });
    if (!crawled) {
      cleanup();
      return util::fail(crawled.error());
    }
    const MissingPaths missing = missing_paths(summary.counts);
    elsewhere.insert(missing.paths.begin(), missing.paths.end());
    // An old address that led to a file left out leads to the site as well.
    std::unordered_set<std::string> left_out_entries;
    for (const auto& [path, kind] : summary.left_out) left_out_entries.insert(file_for_path(path));
    for (const auto& [path, from, target] : redirects) {
      if (left_out_entries.count(target) != 0) elsewhere.insert(from);
    }
    for (const Page& page : pages) {
      zim::writer::Hints hints;
      hints[zim::writer::COMPRESS] = 1;
      hints[zim::writer::FRONT_ARTICLE] = 1;
      const std::string& html = page.body->identity;
      creator.addItem(zim::writer::StringItem::create(
          page.entry, page.mime, page_title(html), hints,
          with_relative_links(html, options.base_url, page.path, elsewhere)));
    }
    for (const auto& [path, title, target] : redirects) {
      // A redirect to a page that is not there (a broken link) would be a broken entry.
      if (entries.count(target) == 0 || entries.count(path) != 0) continue;
      entries.insert(path);
      creator.addRedirection(path, title, target);
    }
    if (entries.count("index.html") != 0) creator.setMainPath("index.html");

    creator.addMetadata("Name", meta.name);
    creator.addMetadata("Title", shortened(meta.title, 30));
    const std::string description = meta.description.empty() ? meta.title : meta.description;
    creator.addMetadata("Description", shortened(description, 80));
    if (shortened(description, 80) != description) {
      creator.addMetadata("LongDescription", shortened(description, 4000));
    }
    creator.addMetadata("Language", meta.language);
    creator.addMetadata("Creator", meta.creator.empty() ? meta.title : meta.creator);
    creator.addMetadata("Publisher", meta.publisher.empty() ? meta.title : meta.publisher);
    creator.addMetadata("Date", meta.date);
    if (!meta.source.empty()) creator.addMetadata("Source", meta.source);
    creator.addMetadata("Scraper", "reelpress");
    creator.addMetadata("Tags", "_ftindex:" + std::string(options.full_text_index ? "yes" : "no") +
                                    ";_pictures:yes;_videos:yes;_details:yes");
    if (!meta.illustration_png.empty()) creator.addIllustration(48, meta.illustration_png);

    if (options.progress) {
      ExportProgress finishing;
      finishing.urls = summary.counts.pages + summary.counts.files + summary.counts.redirects;
      finishing.finishing = true;
      options.progress(finishing);
    }
    QuietStdout quiet;
    creator.finishZimCreation();
  } catch (const std::exception& e) {
    // libzim's messages name no file and rarely a reason: errno often still holds it.
    const int err = errno;
    std::string why = e.what();
    if (err != 0 && why.find(std::strerror(err)) == std::string::npos) {
      why += std::string(" (") + std::strerror(err) + ")";
    }
    return util::fail(io_error(why));
  }

  std::error_code ec;
  fs::rename(part, options.out, ec);
  if (ec) return util::fail(io_error(ec.message()));
  summary.file_bytes = fs::file_size(options.out, ec);
  return summary;
}

}  // namespace reelpress::archive
