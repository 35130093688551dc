// `reelpress user`, end to end: accounts added, listed, given new passwords and removed by the
// real binary; passwords read from standard input or a terminal, never from arguments, and
// stored only as argon2id hashes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "auth/password.h"
#include "e2e_support.h"

namespace reelpress::e2e {
namespace {

namespace fs = std::filesystem;

class UserCommand : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(run_reelpress({"init", site_.string()}).exit_code, 0); }

  CommandResult user(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> all = {"user"};
    all.insert(all.end(), args.begin(), args.end());
    return run_reelpress(all, input);
  }

  std::string hash_of(const std::string& login) {
    CommandResult r =
        run_shell("sqlite3 " + (site_ / "content.db").string() +
                  " \"SELECT password_hash FROM users WHERE login = '" + login + "'\"");
    std::string hash = r.output;
    while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
    return hash;
  }

  std::string database_bytes() {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(site_.string() + "/content.db" + suffix, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      bytes += s.str();
    }
    return bytes;
  }

  TempDir dir_;
  fs::path site_ = dir_.path() / "site";
};

TEST_F(UserCommand, AddsAnAccountWhosePasswordIsStoredOnlyAsAnArgon2idHash) {
  CommandResult r = user({"add", site_.string(), "maria", "--role", "editor", "--name",
                          "Maria Ortiz", "--email", "maria@example.org"},
                         "salt road 1998 night\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "Added maria (editor).\n");
  const std::string hash = hash_of("maria");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(auth::verify_password(hash, "salt road 1998 night"));
  EXPECT_EQ(database_bytes().find("salt road 1998 night"), std::string::npos);

  r = user({"list", site_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("maria"), std::string::npos);
  EXPECT_NE(r.output.find("editor"), std::string::npos);
  EXPECT_NE(r.output.find("Maria Ortiz"), std::string::npos);
  EXPECT_EQ(r.output.find("maria@example.org"), std::string::npos) << "emails stay private";
  EXPECT_EQ(r.output.find("$argon2id"), std::string::npos);
}

TEST_F(UserCommand, RefusesWhatItCannotUseAndChangesNothing) {
  CommandResult r = user({"add", site_.string(), "bob", "--role", "author"}, "too short\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("at least 12 characters"), std::string::npos) << r.output;
  r = user({"add", site_.string(), "bob", "--role", "author"}, "");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no password given"), std::string::npos) << r.output;
  r = user({"add", site_.string(), "bob", "--role", "king"}, "long enough password\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("the roles are administrator, editor, author, contributor and "
                          "moderator"),
            std::string::npos)
      << r.output;
  r = user({"add", site_.string(), "bo b", "--role", "author"}, "long enough password\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(user({"list", site_.string()}).output.find("bob"), std::string::npos);

  ASSERT_EQ(
      user({"add", site_.string(), "bob", "--role", "author"}, "long enough password\n").exit_code,
      0);
  r = user({"add", site_.string(), "bob", "--role", "editor"}, "another long password\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("there is already a user \"bob\""), std::string::npos) << r.output;
  EXPECT_TRUE(auth::verify_password(hash_of("bob"), "long enough password"));

  // A password is never an argument: there is no option that takes one.
  r = user({"add", site_.string(), "carl", "--role", "author", "--password", "x"});
  EXPECT_EQ(r.exit_code, 2);
  r = user({"passwd", site_.string(), "nobody"}, "long enough password\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no user \"nobody\""), std::string::npos) << r.output;
}

TEST_F(UserCommand, PasswdReplacesTheHash) {
  ASSERT_EQ(user({"add", site_.string(), "ana", "--role", "moderator"}, "first long password\n")
                .exit_code,
            0);
  const std::string before = hash_of("ana");
  CommandResult r = user({"passwd", site_.string(), "ana"}, "second long password\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string after = hash_of("ana");
  EXPECT_NE(after, before);
  EXPECT_TRUE(auth::verify_password(after, "second long password"));
  EXPECT_FALSE(auth::verify_password(after, "first long password"));
}

TEST_F(UserCommand, OnATerminalThePasswordIsAskedTwice) {
  // script(1) gives the command a terminal; what is piped in is what is typed.
  const std::string command =
      "script -qec '" + binary() + " user add " + site_.string() + " tina --role author' /dev/null";
  CommandResult r = run_shell("printf 'terminal password\\nterminal password\\n' | " + command);
  EXPECT_NE(r.output.find("Password for tina: Again: Added tina (author)."), std::string::npos)
      << r.output;
  EXPECT_TRUE(auth::verify_password(hash_of("tina"), "terminal password"));

  const std::string other =
      "script -qec '" + binary() + " user add " + site_.string() + " tom --role author' /dev/null";
  r = run_shell("printf 'terminal password\\nterminal passw0rd\\n' | " + other);
  EXPECT_NE(r.output.find("the two passwords differ; nothing changed"), std::string::npos)
      << r.output;
  EXPECT_EQ(hash_of("tom"), "");
}

TEST_F(UserCommand, TheLastAdministratorWhoCanSignInStays) {
  ASSERT_EQ(
      user({"add", site_.string(), "root", "--role", "administrator"}, "administrator password\n")
          .exit_code,
      0);
  CommandResult r = user({"remove", site_.string(), "root"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("the only administrator who can sign in"), std::string::npos) << r.output;
  ASSERT_EQ(
      user({"add", site_.string(), "deputy", "--role", "administrator"}, "another admin password\n")
          .exit_code,
      0);
  r = user({"remove", site_.string(), "root"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(user({"list", site_.string()}).output.find("root"), std::string::npos);
}

}  // namespace
}  // namespace reelpress::e2e
