// File: app/demo.h
//
// The synthetic demo data of cli.md: two schools (99DM "ROC Demo" and 98DM),
// a user for every role at each, and sysadmin@demo. No real person's data.
#pragma once

#include <string>
#include <vector>

#include "app/app.h"
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
// The demo schools' recovery code (demo only: a real school's code is random
// and shown once to its admin).
inline constexpr char kDemoRecoveryCode[] = "ON2GCZ3FOB2W45BNMRSW23ZNOJSWG33WMVZHSLLLMV4S2MBQGAYQ";

// Seeds schools, users of every role, meldpunt keys, companies and a few
// reports in different states. Running it twice changes nothing.
common::StatusOr<std::vector<DemoLogin>> SeedDemo(App& app);

}  // namespace app
