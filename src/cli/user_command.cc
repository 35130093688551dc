#include "cli/user_command.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "auth/password.h"
#include "cli/exit_status.h"
#include "cli/site_directory.h"
#include "util/civil_time.h"
#include "util/text.h"

namespace reelpress::cli {
namespace {

using util::ErrorCode;

// One line from `in`, without its line ending; nullopt at the end of input.
std::optional<std::string> read_line(std::FILE* in) {
  std::string line;
  int c;
  while ((c = std::fgetc(in)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  if (c == EOF && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Asks on the terminal with echo off; the terminal is restored whatever happens. TCSANOW,
// not TCSAFLUSH: what was typed ahead of the prompt is kept, not thrown away.
std::optional<std::string> ask_hidden(const std::string& prompt) {
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  termios saved{};
  const bool terminal = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::optional<std::string> line = read_line(stdin);
  if (terminal) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return line;
}

// The new password: asked twice on a terminal, else one line of standard input. Checked
// against the rules and hashed.
util::Result<std::string> new_password_hash(const std::string& login) {
  std::optional<std::string> password;
  if (::isatty(STDIN_FILENO)) {
    password = ask_hidden("Password for " + login + ": ");
    std::optional<std::string> again = ask_hidden("Again: ");
    if (password && again && *password != *again) {
      return util::fail(ErrorCode::kInvalidArgument, "the two passwords differ; nothing changed");
    }
  } else {
    password = read_line(stdin);
  }
  if (!password) {
    return util::fail(ErrorCode::kInvalidArgument,
                      "no password given (type it, or send it as a line on standard input)");
  }
  if (auto problem = auth::password_problem(*password)) {
    return util::fail(ErrorCode::kInvalidArgument, *problem + "; nothing changed");
  }
  return auth::hash_password(*password);
}

util::Result<content::User> find(store::Store& store, const std::string& login) {
  auto user = store.user_by_login(login);
  if (!user && user.error().code == ErrorCode::kNotFound) {
    return util::fail(ErrorCode::kNotFound, "no user " + ("\"" + login + "\""));
  }
  return user;
}

int add(store::Store& store, const UserOptions& o) {
  const auto role = content::parse_role(o.role);
  if (!role) {
    return report(util::Error{ErrorCode::kInvalidArgument,
                              "user add --role " + o.role +
                                  ": the roles are administrator, editor, author, contributor "
                                  "and moderator"});
  }
  if (o.login.empty() || o.login.size() > 60 || !util::is_valid_utf8(o.login) ||
      o.login.find_first_of(" \t\r\n/") != std::string::npos) {
    return report(util::Error{ErrorCode::kInvalidArgument,
                              "a login is 1 to 60 characters without spaces or slashes"});
  }
  if (store.user_by_login(o.login)) {
    return report(util::Error{ErrorCode::kAlreadyExists,
                              "there is already a user " + ("\"" + o.login + "\"")});
  }
  auto hash = new_password_hash(o.login);
  if (!hash) return report(hash.error());
  content::User user;
  user.login = o.login;
  user.display_name = o.name.empty() ? o.login : o.name;
  user.email = o.email;
  user.role = *role;
  user.password_hash = std::move(*hash);
  auto id = store.save_user(user);
  if (!id) return report(id.error());
  std::cout << "Added " << o.login << " (" << content::to_string(*role) << ").\n";
  return kDone;
}

int list(store::Store& store) {
  auto users = store.users();
  if (!users) return report(users.error());
  std::printf("%-20s %-14s %-8s %-20s %s\n", "LOGIN", "ROLE", "SIGN-IN", "CREATED", "NAME");
  for (const content::User& u : *users) {
    std::printf("%-20s %-14s %-8s %-20s %s\n", u.login.c_str(),
                std::string(content::to_string(u.role)).c_str(),
                u.password_hash.empty() ? "no" : "yes", util::format_iso_time(u.created_at).c_str(),
                u.display_name.c_str());
  }
  return kDone;
}

int passwd(store::Store& store, const UserOptions& o) {
  auto user = find(store, o.login);
  if (!user) return report(user.error());
  auto hash = new_password_hash(o.login);
  if (!hash) return report(hash.error());
  user->password_hash = std::move(*hash);
  if (auto saved = store.save_user(*user); !saved) return report(saved.error());
  // Whoever knew the old password may be signed in: a new password signs everyone out.
  if (auto ended = store.remove_sessions(user->id, 0, 0); !ended) return report(ended.error());
  std::cout << "Changed the password of " << o.login << " and ended their sessions.\n";
  return kDone;
}

int remove(store::Store& store, const UserOptions& o) {
  auto user = find(store, o.login);
  if (!user) return report(user.error());
  if (user->role == content::Role::kAdministrator) {
    auto users = store.users();
    if (!users) return report(users.error());
    int administrators = 0;
    for (const content::User& u : *users) {
      administrators += u.role == content::Role::kAdministrator && !u.password_hash.empty();
    }
    if (administrators <= 1 && !user->password_hash.empty()) {
      return report(util::Error{ErrorCode::kInvalidArgument,
                                ("\"" + o.login + "\"") +
                                    " is the only administrator who can sign in: add another "
                                    "first"});
    }
  }
  if (auto removed = store.remove_user(user->id); !removed) return report(removed.error());
  std::cout << "Removed " << o.login << "; the entries they wrote stay, with no author.\n";
  return kDone;
}

}  // namespace

CLI::App* add_user_command(CLI::App& app, UserOptions& options) {
  auto* command = app.add_subcommand(
      "user", "Accounts of the people who run the site (passwords are never arguments)");
  command->require_subcommand(1);
  auto* add = command->add_subcommand("add", "Add an account; asks for its password");
  add->add_option("DIR", options.dir, "Site directory")->required();
  add->add_option("LOGIN", options.login, "The name to sign in with")->required();
  add->add_option("--role", options.role,
                  "administrator, editor, author, contributor or moderator (comments only)")
      ->required();
  add->add_option("--name", options.name, "The name shown on the site (default: the login)");
  add->add_option("--email", options.email, "Never shown on the site");
  auto* list = command->add_subcommand("list", "List the accounts");
  list->add_option("DIR", options.dir, "Site directory")->required();
  auto* passwd = command->add_subcommand("passwd", "Set an account's password; asks for it");
  passwd->add_option("DIR", options.dir, "Site directory")->required();
  passwd->add_option("LOGIN", options.login, "The account")->required();
  auto* remove = command->add_subcommand("remove", "Remove an account; its entries stay");
  remove->add_option("DIR", options.dir, "Site directory")->required();
  remove->add_option("LOGIN", options.login, "The account")->required();
  for (CLI::App* sub : {add, list, passwd, remove}) {
    sub->callback([&options, sub] { options.action = sub->get_name(); });
  }
  return command;
}

int run_user(const UserOptions& options) {
  auto site = open_site(options.dir);
  if (!site) return report(site.error());
  store::Store& store = *site->store;
  if (options.action == "add") return add(store, options);
  if (options.action == "list") return list(store);
  if (options.action == "passwd") return passwd(store, options);
  if (options.action == "remove") return remove(store, options);
  return kUsageError;
}

}  // namespace reelpress::cli
