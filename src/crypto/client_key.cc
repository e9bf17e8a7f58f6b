#include "crypto/client_key.h"

#include "crypto/hash.h"
#include "crypto/random.h"

namespace crypto {

namespace {
constexpr int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;
}  // namespace

ClientKeyer::~ClientKeyer() { SecureWipe(key_); }

std::string ClientKeyer::KeyFor(std::string_view address) {
  int64_t day = clock_.NowMillis() / kMillisPerDay;
  std::string key;
  {
    std::lock_guard lock(mu_);
    if (day != day_) {
      SecureWipe(key_);
      key_ = RandomBytes(32);
      day_ = day;
    }
    key = key_;
  }
  std::string mac = HmacSha256(key, address);
  SecureWipe(key);
  return HexEncode(std::string_view(mac).substr(0, 16));
}

}  // namespace crypto
