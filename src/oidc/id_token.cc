// ID token checks on libcjose (JWK import, JWS import and verification) and
// the claims the login reads. The header's alg is checked against our own
// allow-list before any verification, so `none` and HMAC tokens (whose key
// would be the public client secret) never reach a verifier.
#include <cjose/cjose.h>

#include <algorithm>

#include "crypto/hash.h"
#include "oidc/relying_party.h"

namespace oidc {

namespace {

using common::Status;

Status Refuse(const char* reason) { return Status::PermissionDenied(reason); }

std::string Base64Url(std::string_view bytes) {
  char* out = nullptr;
  size_t len = 0;
  cjose_err err;
  if (!cjose_base64url_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out,
                              &len, &err)) {
    return {};
  }
  std::string s(out, len);
  cjose_get_dealloc()(out);
  return s;
}

// Seconds since the epoch of a numeric claim; nullopt when absent or not a number.
std::optional<int64_t> NumericDate(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return it->is_number_integer() ? it->get<int64_t>() : static_cast<int64_t>(it->get<double>());
}

}  // namespace

// ---- Jwks --------------------------------------------------------------------

common::StatusOr<Jwks> Jwks::Parse(const std::string& json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Status::InvalidArgument("JWKS is not a key set", "issuer");
  }
  Jwks set;
  for (const nlohmann::json& key : doc["keys"]) {
    if (!key.is_object()) continue;
    std::string kty = key.value("kty", "");
    if (kty != "RSA" && kty != "EC") continue;
    if (key.contains("use") && key["use"] != "sig") continue;
    std::string text = key.dump();
    cjose_err err;
    cjose_jwk_t* jwk = cjose_jwk_import(text.data(), text.size(), &err);
    if (!jwk) continue;  // a key type or curve libcjose does not know: never used
    set.keys_.push_back({key.value("kid", ""), kty, jwk});
  }
  return set;
}

Jwks::~Jwks() {
  for (Key& k : keys_) cjose_jwk_release(static_cast<cjose_jwk_t*>(k.jwk));
}

Jwks::Jwks(Jwks&& other) noexcept : keys_(std::move(other.keys_)) { other.keys_.clear(); }

Jwks& Jwks::operator=(Jwks&& other) noexcept {
  if (this != &other) {
    for (Key& k : keys_) cjose_jwk_release(static_cast<cjose_jwk_t*>(k.jwk));
    keys_ = std::move(other.keys_);
    other.keys_.clear();
  }
  return *this;
}

void* Jwks::Find(std::string_view kid, std::string_view kty) const {
  const Key* only = nullptr;
  int of_type = 0;
  for (const Key& k : keys_) {
    if (k.kty != kty) continue;
    ++of_type;
    only = &k;
    if (!kid.empty() && k.kid == kid) return k.jwk;
  }
  // Without a kid, a provider with one key of the type means that key.
  if (kid.empty() && of_type == 1) return only->jwk;
  return nullptr;
}

// ---- Claims ------------------------------------------------------------------

std::string Claims::String(std::string_view name) const {
  auto it = payload_.find(std::string(name));
  if (it == payload_.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<std::string> Claims::Values(std::string_view name) const {
  std::vector<std::string> out;
  auto it = payload_.find(std::string(name));
  if (it == payload_.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array()) {
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool Claims::Has(std::string_view name, std::string_view value) const {
  std::vector<std::string> values = Values(name);
  return std::find(values.begin(), values.end(), value) != values.end();
}

// ---- The token ---------------------------------------------------------------

common::StatusOr<Claims> VerifyIdToken(std::string_view compact, const Jwks& keys,
                                       const IdTokenExpectations& expect) {
  cjose_err err;
  std::unique_ptr<cjose_jws_t, void (*)(cjose_jws_t*)> jws(
      cjose_jws_import(compact.data(), compact.size(), &err), cjose_jws_release);
  if (!jws) return Refuse(kRefusalMalformed);
  cjose_header_t* header = cjose_jws_get_protected(jws.get());
  const char* alg = header ? cjose_header_get(header, CJOSE_HDR_ALG, &err) : nullptr;
  if (!alg) return Refuse(kRefusalMalformed);
  std::string_view algorithm(alg);
  std::string kty;
  if (algorithm == CJOSE_HDR_ALG_RS256) {
    kty = "RSA";
  } else if (algorithm == CJOSE_HDR_ALG_ES256) {
    kty = "EC";
  } else {
    return Refuse(kRefusalBadAlgorithm);
  }
  const char* kid = cjose_header_get(header, CJOSE_HDR_KID, &err);
  auto* jwk = static_cast<cjose_jwk_t*>(keys.Find(kid ? kid : "", kty));
  if (!jwk) return Refuse(kRefusalUnknownKid);
  if (!cjose_jws_verify(jws.get(), jwk, &err)) return Refuse(kRefusalBadSignature);

  uint8_t* plain = nullptr;
  size_t plain_len = 0;
  if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &err)) {
    return Refuse(kRefusalMalformed);
  }
  nlohmann::json payload = nlohmann::json::parse(
      std::string_view(reinterpret_cast<const char*>(plain), plain_len), nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return Refuse(kRefusalMalformed);
  Claims claims(std::move(payload));
  const nlohmann::json& p = claims.payload();

  if (claims.String("iss") != expect.issuer) return Refuse(kRefusalWrongIssuer);
  std::vector<std::string> aud = claims.Values("aud");
  if (std::find(aud.begin(), aud.end(), expect.client_id) == aud.end()) {
    return Refuse(kRefusalWrongAudience);
  }
  // With several audiences the token must say it was issued to us (azp).
  std::string azp = claims.String("azp");
  if ((aud.size() > 1 || p.contains("azp")) && azp != expect.client_id) {
    return Refuse(kRefusalWrongAudience);
  }
  int64_t now_s = expect.now / 1000;
  std::optional<int64_t> exp = NumericDate(p, "exp");
  std::optional<int64_t> iat = NumericDate(p, "iat");
  if (!exp || !iat) return Refuse(kRefusalMalformed);
  if (*exp + expect.leeway_seconds <= now_s) return Refuse(kRefusalExpired);
  if (*iat - expect.leeway_seconds > now_s) return Refuse(kRefusalIssuedInFuture);
  std::string nonce = claims.String("nonce");
  if (nonce.empty() || crypto::Sha256Hex(nonce) != expect.nonce_hash) {
    return Refuse(kRefusalBadNonce);
  }
  if (claims.Subject().empty()) return Refuse(kRefusalMalformed);
  return claims;
}

std::string StudentNumberFrom(const std::vector<std::string>& values) {
  auto last_segment = [](const std::string& v) {
    size_t colon = v.rfind(':');
    return colon == std::string::npos ? v : v.substr(colon + 1);
  };
  for (const std::string& v : values) {
    if (v.find(":studentid:") != std::string::npos) return last_segment(v);
  }
  for (const std::string& v : values) {
    if (!v.empty()) return last_segment(v);
  }
  return {};
}

bool TokenShowsMfa(const Claims& claims, std::string_view mfa_acr) {
  // RFC 8176 methods that are a second factor or a phishing-resistant key.
  for (const std::string& m : claims.Values("amr")) {
    if (m == "mfa" || m == "otp" || m == "hwk" || m == "swk" || m == "sms" || m == "fido" ||
        m == "sc" || m == "mca") {
      return true;
    }
  }
  return !mfa_acr.empty() && claims.String("acr") == mfa_acr;
}

std::string CodeVerifier(std::string_view browser_secret, std::string_view state) {
  // 32 bytes as base64url: 43 characters of the verifier's alphabet (RFC 7636).
  return Base64Url(crypto::HmacSha256(browser_secret, std::string("pkce:") + std::string(state)));
}

std::string S256Challenge(std::string_view verifier) { return Base64Url(crypto::Sha256(verifier)); }

}  // namespace oidc
