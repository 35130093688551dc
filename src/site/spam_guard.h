// The spam rules of the reader forms, with no third party: a honeypot field, a minimum time
// between rendering a form and posting it, a limit on links, and the site's word lists. They
// decide what happens to a submission whose form token is already known to be genuine
// (form_token.h) and whose client is within its rate (rate_limiter.h).
//
// Example:
//   SpamRules rules{.min_fill_seconds = 3, .max_links = 2, .spam_words = {"casino"}};
//   SpamDecision d = judge_submission(
//       {.honeypot = "", .fill_seconds = 40, .text = "Thank you", .trusted = false}, rules);
//   // d.outcome == SpamOutcome::kPending
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reelpress::site {

struct SpamRules {
  std::int64_t min_fill_seconds = 3;
  int max_links = 2;
  std::vector<std::string> spam_words;  // A match files the submission as spam.
  std::vector<std::string> hold_words;  // A match holds it for moderation.
};

// What a submission is, for the rules.
struct SubmissionFacts {
  std::string_view honeypot;      // The field humans leave empty.
  std::int64_t fill_seconds = 0;  // From the form's render (its token) to the post.
  std::string_view text;          // Every field a reader typed, joined by newlines.
  bool trusted = false;           // A returning commenter the site trusts (trust_returning).
};

enum class SpamOutcome {
  kRefusedHoneypot,  // Not stored: the hidden field was filled.
  kRefusedTooFast,   // Not stored: posted sooner than min_fill_seconds after rendering.
  kSpam,             // Stored as spam (a spam word).
  kPending,          // Stored for moderation.
  kApproved,         // Published at once (trusted, and nothing held it).
};

struct SpamDecision {
  SpamOutcome outcome = SpamOutcome::kPending;
  std::string reason;  // For moderators and tests: "spam word \"casino\"", "3 links".
};

// Applies the rules in order: honeypot, fill time, spam words, hold words, links, trust.
// A held submission stays pending even from a trusted commenter.
SpamDecision judge_submission(const SubmissionFacts& facts, const SpamRules& rules);

// How many links the text holds: http:// and https:// URLs, bare "www." hosts, HTML <a> tags
// and BBCode [url] tags, which is what link spam uses.
int count_links(std::string_view text);

// Whether `phrase` occurs in `text` as whole words, ignoring ASCII case: "casino" matches
// "Casino!" but not "casinos" or "occasion". An end of the phrase that is not a letter or
// digit (as in "http://bit.ly/") needs no boundary there. Bytes of non-ASCII UTF-8 count as
// letters, so a word in another script does not match inside a longer one. Blank phrases
// never match.
bool contains_phrase(std::string_view text, std::string_view phrase);

}  // namespace reelpress::site
