// File: crypto/hash.h
//
// Digests, MACs, constant-time comparison and the text encodings (hex, RFC 4648
// base32) that the rest of the module and its callers share.
//
//   std::string etag = crypto::Sha256Hex(body);
//   std::string mac  = crypto::HmacSha256Hex(server_key, payload);
//   if (!crypto::ConstantTimeEquals(mac, presented)) return Unauthenticated(...);
//
// Thread-safety: all functions are pure and may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace crypto {

// SHA-256 of `data`: 32 raw bytes, or 64 lowercase hex characters.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 (RFC 2104) of `data` under `key` (any length; 32 random bytes is
// the intended size): 32 raw bytes, or 64 lowercase hex characters.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// True iff `a` and `b` are byte-for-byte equal. The time taken depends only on
// the lengths, never on where the first difference is, so it is safe for
// comparing MACs, tokens and codes. Strings of different length are unequal
// (lengths are not secret for our uses).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Lowercase hexadecimal. HexDecode accepts either case and fails with
// kInvalidArgument on an odd length or a non-hex character.
std::string HexEncode(std::string_view bytes);
common::StatusOr<std::string> HexDecode(std::string_view hex);

// RFC 4648 base32 (alphabet A-Z 2-7), upper case; with `pad`, '=' padding to a
// multiple of 8 characters as the RFC shows it, without it (the default) none.
std::string Base32Encode(std::string_view bytes, bool pad = false);

// Inverse of Base32Encode. Accepts lower case and optional trailing '='
// padding. Fails with kInvalidArgument on any other character, on a length no
// encoder can produce, or when the unused trailing bits are not zero (so every
// byte string has exactly one accepted encoding, bar case and padding).
common::StatusOr<std::string> Base32Decode(std::string_view text);

}  // namespace crypto
