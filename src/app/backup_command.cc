// `stagepunt backup` and `stagepunt restore` (issue 7 item 7).
//
// SQLite only: both go through SQLite's online backup API
// (db::SqliteOnlineBackup), so a backup of a running server is a consistent
// snapshot and the target file is replaced atomically. PostgreSQL has its
// own tools (pg_dump / pg_restore); we point at them rather than wrap them.
//
// Neither command touches DATA_DIR/keys. The keys are what make the reports
// readable, so they are backed up separately and kept apart from database
// copies: a stolen database backup alone reveals no report (P7).
#include <filesystem>
#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "db/sqlite_database.h"

namespace app {

namespace {

constexpr char kPgHint[] =
    "stagepunt backup/restore handle SQLite databases only. For PostgreSQL use pg_dump and "
    "pg_restore, e.g.\n"
    "  pg_dump --format=custom --file=stagepunt.dump 'postgresql:///stagepunt'\n"
    "  pg_restore --clean --if-exists --dbname='postgresql:///stagepunt' stagepunt.dump\n"
    "and back up DATA_DIR/keys separately (see README, Backups).";

// "sqlite:PATH" -> PATH; empty when the URL is not a SQLite one.
std::string SqlitePath(const std::string& url) {
  if (url.rfind("sqlite:", 0) != 0) return {};
  return url.substr(7);
}

int Backup(const std::string& url, const std::string& out) {
  std::string path = SqlitePath(url);
  if (path.empty()) {
    std::cerr << "stagepunt: --db " << url << " is not sqlite:PATH.\n" << kPgHint << "\n";
    return kBadInput;
  }
  if (path == ":memory:") {
    std::cerr << "stagepunt: an in-memory database cannot be backed up\n";
    return kBadInput;
  }
  if (common::Status s = db::SqliteOnlineBackup(path, out); !s.ok()) return Fail(s);
  std::cout << "backup written to " << out << "\n"
            << "The keys in DATA_DIR/keys are not in it: without them the reports in this file "
               "cannot be read. Back them up separately and store them apart.\n";
  return kOk;
}

int Restore(const std::string& in, const std::string& url, bool force) {
  namespace fs = std::filesystem;
  std::string path = SqlitePath(url);
  if (path.empty()) {
    std::cerr << "stagepunt: --db " << url << " is not sqlite:PATH.\n" << kPgHint << "\n";
    return kBadInput;
  }
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!force) {
      std::cerr << "stagepunt: " << path
                << " exists; pass --force to replace it (stop the server first)\n";
      return kBadInput;
    }
    // The old database's WAL would otherwise be replayed onto the restored
    // file. Folding it in needs the only connection, so this also refuses
    // while a server has the database open.
    if (common::Status s = db::SqliteQuiesce(path); !s.ok()) return Fail(s);
  } else if (fs::exists(path + "-wal", ec)) {
    std::cerr << "stagepunt: " << path << "-wal exists without its database; move it away first\n";
    return kBadInput;
  }
  if (fs::path(path).has_parent_path()) {
    fs::create_directories(fs::path(path).parent_path(), ec);
    fs::permissions(fs::path(path).parent_path(), fs::perms::owner_all, ec);
  }
  if (common::Status s = db::SqliteOnlineBackup(in, path); !s.ok()) return Fail(s);
  std::cout << "restored " << in << " to " << path << "\n"
            << "Start the server with the DATA_DIR whose keys/ belong to this database; "
               "`stagepunt audit verify` checks that they do.\n";
  return kOk;
}

}  // namespace

void RegisterBackupCommands(CLI::App& cli, int& exit_code) {
  static std::string db_url = "sqlite:var/stagepunt.db";
  static std::string out, in;
  static bool force = false;

  auto* backup = cli.add_subcommand(
      "backup", "Copy a running SQLite database consistently (online backup API); not the keys");
  backup->add_option("--db", db_url, "sqlite:PATH (PostgreSQL: use pg_dump)")
      ->capture_default_str();
  backup->add_option("--out", out, "Backup file to write (replaced atomically)")->required();
  backup->callback([&] { exit_code = Backup(db_url, out); });

  auto* restore = cli.add_subcommand(
      "restore", "Put a backup file in place of a stopped SQLite database; not the keys");
  restore->add_option("--in", in, "Backup file made by `stagepunt backup`")->required();
  restore->add_option("--db", db_url, "sqlite:PATH to restore to")->capture_default_str();
  restore->add_flag("--force", force, "Replace an existing database file");
  restore->callback([&] { exit_code = Restore(in, db_url, force); });
}

}  // namespace app
