#include "app/exit_codes.h"

#include <iostream>

namespace app {

int ExitCodeFor(const common::Status& s) {
  switch (s.code()) {
    case common::StatusCode::kOk:
      return kOk;
    case common::StatusCode::kInvalidArgument:
    case common::StatusCode::kNotFound:
    case common::StatusCode::kAlreadyExists:
    case common::StatusCode::kFailedPrecondition:
    case common::StatusCode::kPermissionDenied:
      return kBadInput;
    case common::StatusCode::kUnavailable:
      return kNoDatabase;
    default:
      return kInternal;
  }
}

int Fail(const common::Status& s) {
  std::cerr << "stagepunt: " << s.ToString() << "\n";
  return ExitCodeFor(s);
}

}  // namespace app
