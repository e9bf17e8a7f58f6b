// Fuzz target: a reporter's receipt code as typed (P1, P2, P3: the code
// lookup at /melding and /api/v1/reporter/session normalises whatever the
// reporter types before it is hashed).
//
// Checks: a normalised code is exactly 24 symbols of the alphabet; its
// display form normalises back to itself (one lookup key per code, however
// it is typed); the lookup key is 64 lowercase hex characters.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/receipt.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view typed(reinterpret_cast<const char*>(data), size);
  auto normalized = crypto::NormalizeReceipt(typed);
  if (!normalized.ok()) return 0;
  const std::string& code = *normalized;
  Check(code.size() == crypto::kReceiptChars);
  for (char c : code) Check(crypto::kReceiptAlphabet.find(c) != std::string_view::npos);

  std::string shown = crypto::FormatReceipt(code);
  Check(shown.size() == crypto::kReceiptChars + crypto::kReceiptChars / crypto::kReceiptGroupSize - 1);
  auto back = crypto::NormalizeReceipt(shown);
  Check(back.ok() && *back == code);

  static const std::string kPepper(32, 'p');
  std::string key = crypto::ReceiptLookupKey(kPepper, code);
  Check(key.size() == 64);
  for (char c : key) Check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  return 0;
}
