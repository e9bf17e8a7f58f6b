// File: app/demo.h
//
// The synthetic demo data of cli.md: two schools (99DM "ROC Demo" and 98DM),
// a user for every role at each, and sysadmin@demo. No real person's data.
#pragma once

#include <string>
#include <vector>

#include "auth/accounts.h"
#include "common/status.h"

namespace app {

// Fixed so that `make run`, the README and the browser tests agree. These are
// demo-only credentials; `stagepunt demo` refuses nothing else.
inline constexpr char kDemoPassword[] = "stagepunt-demo-wachtwoord";
inline constexpr char kDemoTotpSecret[] = "KRSXG5CTORQWOZLQOVXHIRDFNVXVIMBR";

struct DemoLogin {
  std::string login;
  std::string role;
  bool needs_totp;
};

// Seeds the demo data; running it again changes nothing. Returns the logins.
common::StatusOr<std::vector<DemoLogin>> SeedDemo(auth::Accounts& accounts);

}  // namespace app
