#include "cli/comments_command.h"

#include <algorithm>
#include <iostream>
#include <iterator>
#include <optional>
#include <vector>

#include "cli/exit_status.h"
#include "cli/site_directory.h"
#include "render/markdown.h"
#include "site/form_fields.h"
#include "site/snapshot.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::cli {
namespace {

using content::ModerationStatus;
using util::ErrorCode;

// What an id on the command line names.
struct SubmissionId {
  bool organization = false;
  content::Id id = 0;
  std::string text() const { return (organization ? "o" : "c") + std::to_string(id); }
};

util::Result<SubmissionId> parse_id(std::string_view text) {
  SubmissionId out;
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == 'o' || digits.front() == 'O')) {
    out.organization = true;
    digits.remove_prefix(1);
  } else if (!digits.empty() && (digits.front() == 'c' || digits.front() == 'C')) {
    digits.remove_prefix(1);
  }
  const auto n = util::parse_non_negative(digits);
  if (!n || *n == 0) {
    return util::fail(ErrorCode::kInvalidArgument,
                      "\"" + std::string(text) +
                          "\" is not a submission id: use c12 for comment 12, o7 for suggested "
                          "organization 7 (a plain number is a comment)");
  }
  out.id = *n;
  return out;
}

// One line of the list.
struct Row {
  SubmissionId id;
  ModerationStatus status;
  content::Id entry_id;
  util::UnixTime created_at;
  std::string author;
  std::string text;
};

// `text` cut to `width` code points, and padded to it unless it is the last column.
std::string column(std::string_view text, std::size_t width, bool pad = true) {
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (points + 1 == width && i + len < text.size()) {
      out += "\xE2\x80\xA6";  // "…": there is more.
      ++points;
      break;
    }
    out.append(text.substr(i, len));
    ++points;
    i += len;
    if (points == width) break;
  }
  if (pad && points < width) out.append(width - points, ' ');
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return out;
}

// A field as a moderator must see it: on one line, with the characters that would not show
// as themselves (controls, which could also drive the terminal; bidirectional overrides;
// zero-width characters) named, e.g. "<U+202E>".
std::string shown(std::string_view text) { return one_line(util::reveal_hidden_characters(text)); }

int run_list(store::Store& store, const CommentsOptions& options) {
  std::vector<ModerationStatus> statuses;
  if (options.status == "all") {
    statuses = {ModerationStatus::kPending, ModerationStatus::kApproved, ModerationStatus::kSpam,
                ModerationStatus::kTrash};
  } else {
    statuses = {*content::parse_moderation_status(options.status)};
  }
  // One more than shown, to know whether there are more.
  const int fetch = options.limit > 0 ? options.limit + 1 : 1 << 30;
  std::vector<Row> rows;
  for (ModerationStatus status : statuses) {
    auto comments = store.comments_with_status(status, fetch);
    if (!comments) return report(comments.error());
    for (const content::Comment& c : *comments) {
      rows.push_back(Row{{false, c.id},
                         status,
                         c.entry_id,
                         c.created_at,
                         c.author_name,
                         render::html_to_text(c.body_html, 80)});
    }
    auto organizations = store.organizations_with_status(status);
    if (!organizations) return report(organizations.error());
    for (const content::Organization& o : *organizations) {
      // Organizations the editors added are not submissions; only readers' suggestions are.
      if (!o.suggested_for_entry_id) continue;
      rows.push_back(Row{{true, o.id},
                         status,
                         *o.suggested_for_entry_id,
                         o.created_at,
                         o.name,
                         o.description + (o.url.empty() ? "" : " (" + o.url + ")")});
    }
  }
  // Pending first (that is the work), then everything newest first.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const bool a_pending = a.status == ModerationStatus::kPending;
    const bool b_pending = b.status == ModerationStatus::kPending;
    if (a_pending != b_pending) return a_pending;
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.id.id > b.id.id;
  });
  const std::size_t pending =
      static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const Row& r) {
        return r.status == ModerationStatus::kPending;
      }));
  const bool more = options.limit > 0 && rows.size() > static_cast<std::size_t>(options.limit);
  if (more) rows.resize(static_cast<std::size_t>(options.limit));

  if (rows.empty()) {
    std::cout << "Nothing to moderate"
              << (options.status == "all" ? "" : " with status " + options.status) << ".\n";
    return 0;
  }
  std::cout << column("TYPE", 11) << column("ID", 8) << column("STATUS", 9) << column("ENTRY", 7)
            << column("DATE", 22) << column("AUTHOR", 21) << "TEXT\n";
  for (const Row& r : rows) {
    std::cout << column(r.id.organization ? "suggestion" : "comment", 11) << column(r.id.text(), 8)
              << column(content::to_string(r.status), 9) << column(std::to_string(r.entry_id), 7)
              << column(util::format_iso_time(r.created_at), 22)
              << column(shown(r.author.empty() ? "(no name)" : r.author), 21)
              << column(shown(r.text), 60, false) << "\n";
  }
  if (options.status == "all") {
    std::cout << pending << (more ? "+" : "") << " pending.";
  } else {
    std::cout << rows.size() << (more ? "+" : "") << " " << options.status << ".";
  }
  if (more) std::cout << " More are not shown: use --limit 0 to list them all.";
  std::cout << "\n";
  return 0;
}

// The entry's title and public path, for show; "" when it cannot be told.
std::string entry_line(OpenSite& site, content::Id entry_id) {
  auto entry = site.store->entry_by_id(entry_id);
  if (!entry) return std::to_string(entry_id) + " (missing)";
  std::string line = std::to_string(entry_id) + " \"" + entry->title + "\"";
  if (auto snapshot = site::Snapshot::load(*site.store, site.settings)) {
    line += " " + (*snapshot)->entry_path(*entry);
  }
  return line;
}

int run_show(OpenSite& site, const SubmissionId& id) {
  if (!id.organization) {
    auto c = site.store->comment_by_id(id.id);
    if (!c) return report(util::Error{c.error().code, "no comment " + id.text()});
    std::cout << "Comment " << id.text() << " (" << content::to_string(c->status) << ")\n"
              << "Entry:    " << entry_line(site, c->entry_id) << "\n";
    if (c->parent_id) std::cout << "Reply to: c" << *c->parent_id << "\n";
    std::cout << "Author:   " << shown(c->author_name.empty() ? "(no name)" : c->author_name)
              << "\n"
              << "Email:    " << shown(c->author_email.empty() ? "(none)" : c->author_email)
              << "\n";
    if (!c->author_url.empty()) std::cout << "Website:  " << shown(c->author_url) << "\n";
    std::cout << "Date:     " << util::format_iso_time(c->created_at) << "\n\n"
              << util::reveal_hidden_characters(render::comment_to_plain_text(c->body_html))
              << "\n";
    return 0;
  }
  auto o = site.store->organization_by_id(id.id);
  if (!o) return report(util::Error{o.error().code, "no organization " + id.text()});
  std::cout << "Suggested organization " << id.text() << " (" << content::to_string(o->status)
            << ")\n";
  if (o->suggested_for_entry_id) {
    std::cout << "Entry:    " << entry_line(site, *o->suggested_for_entry_id) << "\n";
  }
  std::cout << "Name:     " << shown(o->name) << "\n"
            << "Website:  " << shown(o->url.empty() ? "(none)" : o->url) << "\n"
            << "Region:   " << shown(o->region.empty() ? "(none)" : o->region) << "\n"
            << "Date:     " << util::format_iso_time(o->created_at) << "\n\n"
            << util::reveal_hidden_characters(o->description) << "\n";
  return 0;
}

int run_moderate(OpenSite& site, const SubmissionId& id, const std::string& action) {
  const ModerationStatus status = action == "approve" ? ModerationStatus::kApproved
                                  : action == "spam"  ? ModerationStatus::kSpam
                                                      : ModerationStatus::kTrash;
  content::Id entry_id = 0;
  util::Status done;
  if (id.organization) {
    auto o = site.store->organization_by_id(id.id);
    if (!o) return report(util::Error{o.error().code, "no organization " + id.text()});
    entry_id = o->suggested_for_entry_id.value_or(0);
    done = site.store->set_organization_status(id.id, status);
  } else {
    auto c = site.store->comment_by_id(id.id);
    if (!c) return report(util::Error{c.error().code, "no comment " + id.text()});
    entry_id = c->entry_id;
    done = site.store->set_comment_status(id.id, status);
  }
  if (!done) return report(done.error());
  const std::string what = id.organization ? "suggestion " : "comment ";
  const std::string verb = action == "approve" ? "Approved "
                           : action == "spam"  ? "Marked as spam: "
                                               : "Moved to the trash: ";
  std::cout << verb << what << id.text();
  if (entry_id != 0) std::cout << " on entry " << entry_id;
  std::cout << ".\n";
  return 0;
}

// An edit's value: "-" reads standard input (a trailing newline dropped); checked like the
// form field it stands for. `what` names the field in messages.
util::Result<std::string> edit_value(const std::string& value, std::size_t max_chars,
                                     const std::string& what) {
  std::string text = value;
  if (value == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  }
  if (!util::is_valid_utf8(text)) {
    return util::fail(ErrorCode::kInvalidArgument, what + " is not valid UTF-8");
  }
  if (util::code_points(text) > max_chars) {
    return util::fail(ErrorCode::kInvalidArgument,
                      what + " is longer than " + std::to_string(max_chars) + " characters");
  }
  return text;
}

int run_edit(OpenSite& site, const SubmissionId& id, const CommentsOptions& options) {
  // Applies `value` (if given) to `field`; a refused value is reported and sets `status`.
  int status = 0;
  auto apply = [&](const std::optional<std::string>& value, std::size_t max_chars,
                   const std::string& what, std::string& field) {
    if (!value || status != 0) return;
    auto checked = edit_value(*value, max_chars, what);
    if (!checked) {
      status = report(checked.error());
      return;
    }
    field = std::move(*checked);
  };
  if (!id.organization) {
    if (options.name || options.url || options.region || options.description) {
      return report(util::Error{ErrorCode::kInvalidArgument,
                                "a comment has --text and --author; --name, --url, --region "
                                "and --description are for suggestions (o7)"});
    }
    if (!options.text && !options.author) {
      return report(util::Error{ErrorCode::kInvalidArgument,
                                "comments edit " + id.text() + " needs --text or --author"});
    }
    auto c = site.store->comment_by_id(id.id);
    if (!c) return report(util::Error{c.error().code, "no comment " + id.text()});
    std::string text;
    apply(options.text, site::form::kMaxCommentChars, "The text", text);
    apply(options.author, site::form::kMaxAuthorChars, "The name", c->author_name);
    if (status != 0) return status;
    if (options.text) {
      if (util::trim(text).empty()) {
        return report(util::Error{ErrorCode::kInvalidArgument, "The text is empty"});
      }
      // The text as `show` prints it (without hidden characters) changes nothing.
      if (text != render::comment_to_plain_text(c->body_html)) {
        c->body_html = render::plain_text_to_html(text);
      }
    }
    if (auto saved = site.store->save_comment(*c); !saved) return report(saved.error());
    std::cout << "Edited comment " << id.text() << " on entry " << c->entry_id << " ("
              << content::to_string(c->status) << ").\n";
    return 0;
  }
  if (options.text || options.author) {
    return report(util::Error{ErrorCode::kInvalidArgument,
                              "a suggestion has --name, --url, --region and --description; "
                              "--text and --author are for comments (c12)"});
  }
  if (!options.name && !options.url && !options.region && !options.description) {
    return report(util::Error{
        ErrorCode::kInvalidArgument,
        "comments edit " + id.text() + " needs --name, --url, --region or --description"});
  }
  auto o = site.store->organization_by_id(id.id);
  if (!o) return report(util::Error{o.error().code, "no organization " + id.text()});
  apply(options.name, site::form::kMaxOrgNameChars, "The name", o->name);
  apply(options.url, site::form::kMaxOrgUrlChars, "The website", o->url);
  apply(options.region, site::form::kMaxOrgRegionChars, "The region", o->region);
  apply(options.description, site::form::kMaxOrgDescriptionChars, "The description",
        o->description);
  if (status != 0) return status;
  if (util::trim(o->name).empty()) {
    return report(util::Error{ErrorCode::kInvalidArgument, "The name is empty"});
  }
  if (!o->url.empty() && !o->url.starts_with("http://") && !o->url.starts_with("https://")) {
    return report(util::Error{ErrorCode::kInvalidArgument,
                              "The website must start with http:// or https://"});
  }
  if (auto saved = site.store->save_organization(*o); !saved) return report(saved.error());
  std::cout << "Edited suggestion " << id.text() << " (" << content::to_string(o->status) << ").\n";
  return 0;
}

}  // namespace

CLI::App* add_comments_command(CLI::App& app, CommentsOptions& options) {
  auto* command = app.add_subcommand(
      "comments",
      "Moderate reader comments and suggested organizations. IDs: c12 is comment 12, o7 is "
      "suggested organization 7, a plain number is a comment");
  command->add_option("DIR", options.dir, "Site directory")->required();
  command
      ->add_option("ACTION", options.action,
                   "list (pending first), show ID, approve ID, spam ID, trash ID or edit ID")
      ->required()
      ->check(CLI::IsMember({"list", "show", "approve", "spam", "trash", "edit"}));
  command->add_option("ID", options.id, "c12 (comment), o7 (suggested organization) or 12");
  command->add_option("--status", options.status, "list: only this status")
      ->check(CLI::IsMember({"pending", "approved", "spam", "trash", "all"}))
      ->capture_default_str();
  command->add_option("--limit", options.limit, "list: at most this many lines; 0 for all")
      ->check(CLI::Range(0, 1 << 30))
      ->capture_default_str();
  command->add_option("--text", options.text, "edit: a comment's new text (- reads stdin)");
  command->add_option("--author", options.author, "edit: a comment's author name");
  command->add_option("--name", options.name, "edit: a suggestion's organization name");
  command->add_option("--url", options.url, "edit: a suggestion's website");
  command->add_option("--region", options.region, "edit: a suggestion's region");
  command->add_option("--description", options.description,
                      "edit: what the organization does (- reads stdin)");
  return command;
}

int run_comments(const CommentsOptions& options) {
  std::optional<SubmissionId> id;
  if (options.action != "list") {
    if (options.id.empty()) {
      return report(util::Error{ErrorCode::kInvalidArgument,
                                "comments " + options.action + " needs an ID (c12, o7 or 12)"});
    }
    auto parsed = parse_id(options.id);
    if (!parsed) return report(parsed.error());
    id = *parsed;
  } else if (!options.id.empty()) {
    return report(util::Error{ErrorCode::kInvalidArgument, "comments list takes no ID"});
  }
  auto site = open_site(options.dir);
  if (!site) return report(site.error());
  if (options.action == "list") return run_list(*site->store, options);
  if (options.action == "show") return run_show(*site, *id);
  if (options.action == "edit") return run_edit(*site, *id, options);
  return run_moderate(*site, *id, options.action);
}

}  // namespace reelpress::cli
