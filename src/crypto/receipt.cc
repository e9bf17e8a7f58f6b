#include "crypto/receipt.h"

#include <stdexcept>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace crypto {

std::string NewReceiptCode() {
  // 256 is a multiple of 32, so byte & 31 is exactly uniform over the
  // alphabet: no modulo bias, 5 full bits per symbol.
  std::string raw = RandomBytes(kReceiptChars);
  std::string symbols;
  symbols.reserve(kReceiptChars);
  for (unsigned char b : raw) symbols.push_back(kReceiptAlphabet[b & 0x1f]);
  SecureWipe(raw);
  return FormatReceipt(symbols);
}

common::StatusOr<std::string> NormalizeReceipt(std::string_view typed) {
  std::string out;
  out.reserve(kReceiptChars);
  for (char c : typed) {
    if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kReceiptAlphabet.find(c) == std::string_view::npos || out.size() >= kReceiptChars) {
      return common::Status::InvalidArgument("receipt code is not valid", "receipt");
    }
    out.push_back(c);
  }
  if (out.size() != kReceiptChars) {
    return common::Status::InvalidArgument("receipt code is not valid", "receipt");
  }
  return out;
}

std::string FormatReceipt(std::string_view normalized) {
  std::string out;
  out.reserve(normalized.size() + normalized.size() / kReceiptGroupSize);
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (i > 0 && i % kReceiptGroupSize == 0) out.push_back('-');
    out.push_back(normalized[i]);
  }
  return out;
}

namespace {

// Upper case, separators dropped, Crockford confusables mapped; "" when a
// character is outside the alphabet.
std::string CrockfordSymbols(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kReceiptAlphabet.find(c) == std::string_view::npos) return "";
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string NewCaseReference() {
  std::string raw = RandomBytes(kCaseReferenceChars);
  std::string symbols;
  for (unsigned char b : raw) symbols.push_back(kReceiptAlphabet[b & 0x1f]);
  return std::string(kCaseReferencePrefix) + FormatReceipt(symbols);
}

common::StatusOr<std::string> NormalizeCaseReference(std::string_view typed) {
  if (typed.size() > 40)
    return common::Status::InvalidArgument("is not a case number", "case_number");
  std::string symbols = CrockfordSymbols(typed);
  // The prefix is optional when typing; 'M' is also a symbol, so only a
  // ninth symbol in front is taken as the prefix.
  if (symbols.size() == kCaseReferenceChars + 1 && symbols[0] == 'M') symbols.erase(0, 1);
  if (symbols.size() != kCaseReferenceChars) {
    return common::Status::InvalidArgument("is not a case number", "case_number");
  }
  return std::string(kCaseReferencePrefix) + FormatReceipt(symbols);
}

std::string ReceiptLookupKey(std::string_view pepper, std::string_view normalized) {
  if (pepper.size() < kMinPepperBytes) {
    throw std::invalid_argument("receipt pepper must be at least 16 bytes");
  }
  return HmacSha256Hex(pepper, normalized);
}

}  // namespace crypto
