#include "site/spam_guard.h"

#include "util/text.h"

namespace reelpress::site {
namespace {

bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Counts the occurrences of `needle` (lower case) in `haystack` (lower case).
int count(std::string_view haystack, std::string_view needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The first phrase of `phrases` found in `text`, or nullptr.
const std::string* first_match(std::string_view text, const std::vector<std::string>& phrases) {
  for (const std::string& phrase : phrases) {
    if (contains_phrase(text, phrase)) return &phrase;
  }
  return nullptr;
}

}  // namespace

bool contains_phrase(std::string_view text, std::string_view phrase) {
  phrase = util::trim(phrase);
  if (phrase.empty() || phrase.size() > text.size()) return false;
  const bool bounded_front = is_word_byte(phrase.front());
  const bool bounded_back = is_word_byte(phrase.back());
  for (std::size_t at = 0; at + phrase.size() <= text.size(); ++at) {
    std::size_t i = 0;
    while (i < phrase.size() && lower(text[at + i]) == lower(phrase[i])) ++i;
    if (i != phrase.size()) continue;
    if (bounded_front && at > 0 && is_word_byte(text[at - 1])) continue;
    const std::size_t end = at + phrase.size();
    if (bounded_back && end < text.size() && is_word_byte(text[end])) continue;
    return true;
  }
  return false;
}

int count_links(std::string_view text) {
  const std::string lowered = util::to_lower(text);
  const std::string_view t(lowered);
  int links = count(t, "http://") + count(t, "https://") + count(t, "<a ") + count(t, "[url");
  // "www." not already counted as part of an http(s) URL.
  for (std::size_t at = t.find("www."); at != std::string_view::npos; at = t.find("www.", at + 4)) {
    if (at == 0 || t[at - 1] != '/') ++links;
  }
  return links;
}

SpamDecision judge_submission(const SubmissionFacts& facts, const SpamRules& rules) {
  if (!facts.honeypot.empty()) return {SpamOutcome::kRefusedHoneypot, "the honeypot was filled"};
  if (facts.fill_seconds < rules.min_fill_seconds) {
    return {SpamOutcome::kRefusedTooFast,
            "sent " + std::to_string(facts.fill_seconds) + " s after the form was shown"};
  }
  if (const std::string* word = first_match(facts.text, rules.spam_words)) {
    return {SpamOutcome::kSpam, "spam word \"" + *word + "\""};
  }
  if (const std::string* word = first_match(facts.text, rules.hold_words)) {
    return {SpamOutcome::kPending, "hold word \"" + *word + "\""};
  }
  if (const int links = count_links(facts.text); links > rules.max_links) {
    return {SpamOutcome::kPending, std::to_string(links) + " links"};
  }
  if (facts.trusted) return {SpamOutcome::kApproved, "returning commenter"};
  return {SpamOutcome::kPending, "new submissions wait for moderation"};
}

}  // namespace reelpress::site
