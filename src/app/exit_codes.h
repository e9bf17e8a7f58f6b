// File: app/exit_codes.h
//
// The exit codes of every `stagepunt` command, as the README promises, in
// one place so that no command maps a Status its own way:
//
//   0  done
//   1  internal error (a bug, or the machine: disk, memory)
//   2  refused: bad input (the message names the flag, file or line) or a
//      state that does not allow it (the last lead, a database of a newer
//      version, a server that holds the database open)
//   3  the database cannot be reached
#pragma once

#include "common/status.h"

namespace app {

inline constexpr int kOk = 0;
inline constexpr int kInternal = 1;
inline constexpr int kBadInput = 2;
inline constexpr int kNoDatabase = 3;

int ExitCodeFor(const common::Status& s);

// Prints "stagepunt: <status>" to stderr and returns ExitCodeFor(s).
int Fail(const common::Status& s);

}  // namespace app
