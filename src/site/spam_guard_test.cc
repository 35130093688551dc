#include "site/spam_guard.h"

#include <gtest/gtest.h>

namespace reelpress::site {
namespace {

SpamRules rules() {
  SpamRules r;
  r.min_fill_seconds = 3;
  r.max_links = 2;
  r.spam_words = {"casino", "cheap pills"};
  r.hold_words = {"http://bit.ly/"};
  return r;
}

SubmissionFacts facts(std::string_view text, bool trusted = false) {
  SubmissionFacts f;
  f.fill_seconds = 30;
  f.text = text;
  f.trusted = trusted;
  return f;
}

TEST(SpamGuard, NewSubmissionsWaitForModeration) {
  EXPECT_EQ(judge_submission(facts("Thank you for this film."), rules()).outcome,
            SpamOutcome::kPending);
}

TEST(SpamGuard, TrustedCommenterIsPublishedAtOnce) {
  EXPECT_EQ(judge_submission(facts("Thank you.", true), rules()).outcome, SpamOutcome::kApproved);
}

TEST(SpamGuard, FilledHoneypotIsRefusedWhateverElse) {
  SubmissionFacts f = facts("Thank you.", true);
  f.honeypot = "http://spam.example/";
  EXPECT_EQ(judge_submission(f, rules()).outcome, SpamOutcome::kRefusedHoneypot);
}

TEST(SpamGuard, TooFastIsRefused) {
  SubmissionFacts f = facts("Thank you.", true);
  f.fill_seconds = 2;
  const SpamDecision d = judge_submission(f, rules());
  EXPECT_EQ(d.outcome, SpamOutcome::kRefusedTooFast);
  EXPECT_EQ(d.reason, "sent 2 s after the form was shown");
  f.fill_seconds = 3;
  EXPECT_EQ(judge_submission(f, rules()).outcome, SpamOutcome::kApproved);
  f.fill_seconds = -40;  // A clock that went back still counts as too fast.
  EXPECT_EQ(judge_submission(f, rules()).outcome, SpamOutcome::kRefusedTooFast);
}

TEST(SpamGuard, SpamWordFilesItAsSpamEvenWhenTrusted) {
  const SpamDecision d = judge_submission(facts("Best CASINO in town", true), rules());
  EXPECT_EQ(d.outcome, SpamOutcome::kSpam);
  EXPECT_EQ(d.reason, "spam word \"casino\"");
  EXPECT_EQ(judge_submission(facts("Buy cheap   pills"), rules()).outcome, SpamOutcome::kPending)
      << "a phrase matches only as written";
  EXPECT_EQ(judge_submission(facts("Buy Cheap Pills now"), rules()).outcome, SpamOutcome::kSpam);
}

TEST(SpamGuard, HoldWordAndTooManyLinksHoldEvenWhenTrusted) {
  EXPECT_EQ(judge_submission(facts("see http://bit.ly/x", true), rules()).outcome,
            SpamOutcome::kPending);
  const SpamDecision d = judge_submission(
      facts("a https://a.example b https://b.example c www.c.example", true), rules());
  EXPECT_EQ(d.outcome, SpamOutcome::kPending);
  EXPECT_EQ(d.reason, "3 links");
  EXPECT_EQ(
      judge_submission(facts("a https://a.example b https://www.b.example", true), rules()).outcome,
      SpamOutcome::kApproved);
}

TEST(SpamGuard, CountsTheLinksSpamUses) {
  EXPECT_EQ(count_links("no links here"), 0);
  EXPECT_EQ(count_links("HTTP://A.EXAMPLE and https://b.example"), 2);
  EXPECT_EQ(count_links("https://www.a.example"), 1);
  EXPECT_EQ(count_links("www.a.example www.b.example"), 2);
  EXPECT_EQ(count_links("<a href=x>1</a> <A HREF=y>2</a>"), 2);
  EXPECT_EQ(count_links("[url=x]1[/url] [URL]y[/URL]"), 2);
}

TEST(SpamGuard, PhrasesMatchWholeWordsIgnoringCase) {
  EXPECT_TRUE(contains_phrase("Casino!", "casino"));
  EXPECT_TRUE(contains_phrase("the casino", "CASINO"));
  EXPECT_FALSE(contains_phrase("casinos", "casino"));
  EXPECT_FALSE(contains_phrase("occasion", "casino"));
  EXPECT_TRUE(contains_phrase("go to http://bit.ly/abc", "http://bit.ly/"));
  EXPECT_TRUE(contains_phrase("xhttp://bit.ly/", "http://bit.ly/") == false);
  // Non-ASCII words do not match inside longer ones.
  EXPECT_TRUE(contains_phrase("\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xBE!",
                              "\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xBE"));
  EXPECT_FALSE(contains_phrase("\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xBE\xD1\x8B",
                               "\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xBE"));
  EXPECT_FALSE(contains_phrase("anything", ""));
  EXPECT_FALSE(contains_phrase("anything", "   "));
  EXPECT_FALSE(contains_phrase("", "x"));
}

}  // namespace
}  // namespace reelpress::site
