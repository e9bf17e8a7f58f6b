// File: crypto/receipt.h
//
// Reporter receipt codes for the anonymous meldpunt (promises P1, P2, P23).
// A student who reports gets one code; it is their only way back to the case,
// so it must be unguessable, easy to write down and type, and useless to a
// database thief.
//
//   std::string code = crypto::NewReceiptCode();   // "7KQ2-M9XD-0TAH-PW3E-R8FN-K4ZB", show once
//   std::string key  = crypto::ReceiptLookupKey(pepper, *crypto::NormalizeReceipt(code));
//   // store `key` (never `code`) with a unique index; look cases up by it
//
// Entropy: 24 symbols drawn uniformly and independently from the 32-symbol
// Crockford base32 alphabet = 24 x log2(32) = 120 bits (from randombytes_buf).
// With N = 10^4 live codes and an attacker managing 10^6 guesses/s, the
// expected time to hit any code is 2^120 / (N x 10^6) s, about 4 x 10^18 years.
// This exceeds P1's 80 bits and ASVS 6.5.2's 112 bits, so P2 option (b)
// applies: a keyed HMAC whose pepper is kept outside the database (DATA_DIR/
// keys), so a DB dump alone gives no way to test guesses offline. Online
// guessing is throttled by the caller (P3).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace crypto {

inline constexpr size_t kReceiptChars = 24;      // symbols, without separators
inline constexpr size_t kReceiptGroupSize = 4;   // shown as 6 groups of 4
inline constexpr int kReceiptEntropyBits = 120;  // 24 x 5
// Crockford base32: digits and upper-case letters minus I, L, O, U.
inline constexpr std::string_view kReceiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Peppers shorter than this are refused (std::invalid_argument, a config bug).
inline constexpr size_t kMinPepperBytes = 16;

// A new code in display form: 6 groups of 4 symbols joined by '-' (29 chars).
std::string NewReceiptCode();

// Canonical form of a code as a person typed it: upper case, separators
// (spaces, tabs, '-', '_', '.') removed, and the Crockford confusables mapped
// (O -> 0, I and L -> 1). Returns exactly kReceiptChars symbols of
// kReceiptAlphabet, or kInvalidArgument (field "receipt") for any other
// character (U included) or a wrong number of symbols.
common::StatusOr<std::string> NormalizeReceipt(std::string_view typed);

// Display form (groups of 4 joined by '-') of a normalised code.
std::string FormatReceipt(std::string_view normalized);

// The value to store and index: lowercase hex HMAC-SHA256(pepper, normalized).
// `normalized` must come from NormalizeReceipt, so every way of typing a code
// maps to one key. Throws std::invalid_argument if the pepper is shorter than
// kMinPepperBytes (misconfiguration must not silently weaken P2).
std::string ReceiptLookupKey(std::string_view pepper, std::string_view normalized);

// ---- Case references ----
// The number a case is known by ("M-7KQ2-9XHD"): "M-" and 8 symbols of the
// same alphabet in two groups of 4, drawn at random (40 bits). Random, not
// counted, so two references tell nothing about how many reports came in
// between. They are not secrets (the receipt code is): uniqueness per school
// is the caller's unique constraint, and with 2^40 values a school with
// 10^4 cases retries about once in 10^8 reports.
inline constexpr size_t kCaseReferenceChars = 8;
inline constexpr std::string_view kCaseReferencePrefix = "M-";

// A new reference in display form.
std::string NewCaseReference();

// The display form of a reference as a person typed it: case-insensitive,
// with or without the "M" and the dashes, confusables mapped as for codes.
// References issued before they were random ("M-2026-0042") have 8 digits and
// come out in their issued form too. kInvalidArgument (field "case_number")
// for anything else.
common::StatusOr<std::string> NormalizeCaseReference(std::string_view typed);

}  // namespace crypto
