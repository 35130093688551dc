// `reelpress user`: the accounts of the people who run a site (the admin signs them in).
//
//   reelpress user add DIR LOGIN --role ROLE [--name NAME] [--email EMAIL]
//   reelpress user list DIR
//   reelpress user passwd DIR LOGIN
//   reelpress user remove DIR LOGIN
//
// Roles keep WordPress's meaning: administrator, editor, author, contributor, and moderator
// (comments only). A password is never an argument (it would show in `ps` and the shell's
// history): it is asked twice on the terminal with echo off, or read as one line from
// standard input when that is not a terminal. It needs 12 to 128 characters and is stored
// as an argon2id hash (auth/password.h). Authors imported from WordPress have no password
// until `user passwd` gives them one. The last administrator cannot be removed, nor lose the
// role by removal.
//
// Example:
//   $ reelpress user add my-site maria --role editor --name "Maria Ortiz"
//   Password for maria: ************
//   Again: ************
//   Added maria (editor).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace reelpress::cli {

struct UserOptions {
  std::string action;  // add, list, passwd, remove
  std::string dir;
  std::string login;
  std::string role;
  std::string name;
  std::string email;
};

// Adds the `user` subcommand (with add, list, passwd and remove) to `app`.
CLI::App* add_user_command(CLI::App& app, UserOptions& options);

// Runs it. Returns the exit status: 0 done; 2 when DIR is not a site, the login is taken or
// unknown, the role is not one of the five, or the password breaks the rules or the two
// typings differ; 1 for a failure while working.
int run_user(const UserOptions& options);

}  // namespace reelpress::cli
