// File: oidc/relying_party.h
//
// Single sign-on with OpenID Connect: Stagepunt as the relying party of a
// school's identity provider (SURFconext, Microsoft Entra ID, ...), with the
// authorization code flow and PKCE (S256). See docs/sso.md.
//
//   1. Begin():  a random state and nonce (stored hashed, ten minutes, once)
//                and a random browser secret for a cookie; the PKCE verifier is
//                derived from the browser secret and the state, so it needs both
//                and is stored nowhere. Returns the provider's URL to go to.
//   2. Finish(): the callback. The state must be known, unused, unexpired and
//                belong to this browser (cookie); it is burnt before anything
//                else. The code is exchanged at the token endpoint (client
//                secret, basic or post), and the ID token is checked
//                (VerifyIdToken): RS256 or ES256 only, by the provider's JWKS,
//                iss, aud (and azp), exp, iat, nonce.
//
// Every refusal is a PermissionDenied status whose message is a reason code
// (kRefusal...), fit for an audit record: it never holds a claim's value.
//
// The back channel (discovery, JWKS, token endpoint) is libcurl with TLS
// verification, timeouts and a response size cap; plain http is accepted only
// for a loopback provider (tests). Discovery and JWKS are cached for an hour;
// a token whose `kid` is not in the cached JWKS refetches the JWKS once (at
// most once a minute per provider), then is refused. JOSE is libcjose: no JWT
// parsing or signature code of our own.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace oidc {

// Reason codes of refused logins (audit result "refused:<code>").
inline constexpr char kRefusalBadState[] = "bad_state";  // unknown, expired, other browser
inline constexpr char kRefusalReplayedState[] = "replayed_state";  // the state was used before
inline constexpr char kRefusalProviderError[] = "provider_error";  // the IdP answered ?error=
inline constexpr char kRefusalTokenEndpoint[] = "token_endpoint";  // the code was not accepted
inline constexpr char kRefusalMalformed[] = "malformed_token";
inline constexpr char kRefusalBadAlgorithm[] =
    "bad_algorithm";  // none, HS*, anything but RS256/ES256
inline constexpr char kRefusalUnknownKid[] = "unknown_kid";
inline constexpr char kRefusalBadSignature[] = "bad_signature";
inline constexpr char kRefusalWrongIssuer[] = "wrong_issuer";
inline constexpr char kRefusalWrongAudience[] = "wrong_audience";
inline constexpr char kRefusalExpired[] = "expired";
inline constexpr char kRefusalIssuedInFuture[] = "issued_in_future";
inline constexpr char kRefusalBadNonce[] = "bad_nonce";
inline constexpr char kRefusalUnavailable[] = "provider_unavailable";

// ---- The back channel --------------------------------------------------------

struct HttpLimits {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{10000};
  size_t max_response_bytes = 1 << 20;
};

struct HttpResult {
  long status = 0;
  std::string body;
};

// GET, or POST of a urlencoded form with optional extra headers. Unavailable
// when the provider cannot be reached, times out or answers past the cap.
common::StatusOr<HttpResult> HttpGet(const std::string& url, const HttpLimits& limits = {});
common::StatusOr<HttpResult> HttpPostForm(const std::string& url, const std::string& body,
                                          const std::vector<std::string>& headers,
                                          const HttpLimits& limits = {});

// An https URL, or http on a loopback host (127.0.0.1, ::1, localhost).
bool AllowedProviderUrl(std::string_view url);

// application/x-www-form-urlencoded encoding of one value.
std::string FormEncode(std::string_view value);

// ---- Keys and ID tokens ------------------------------------------------------

// A provider's signing keys (JWKS), parsed by libcjose.
class Jwks {
 public:
  Jwks() = default;
  // Keeps the RSA and EC (P-256) keys of `json` that may sign; others are skipped.
  static common::StatusOr<Jwks> Parse(const std::string& json);
  ~Jwks();
  Jwks(Jwks&& other) noexcept;
  Jwks& operator=(Jwks&& other) noexcept;
  Jwks(const Jwks&) = delete;
  Jwks& operator=(const Jwks&) = delete;

  // The key with this kid (or the only key when kid is empty and there is one).
  void* Find(std::string_view kid, std::string_view kty) const;  // cjose_jwk_t*
  size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::string kid, kty;
    void* jwk = nullptr;  // cjose_jwk_t*
  };
  std::vector<Key> keys_;
};

// The verified claims of an ID token.
class Claims {
 public:
  explicit Claims(nlohmann::json payload) : payload_(std::move(payload)) {}
  std::string Subject() const { return String("sub"); }
  // A claim as a string ("" when absent or not a string).
  std::string String(std::string_view name) const;
  // A claim's values: a string is one value, an array its string elements.
  std::vector<std::string> Values(std::string_view name) const;
  bool Has(std::string_view name, std::string_view value) const;
  const nlohmann::json& payload() const { return payload_; }

 private:
  nlohmann::json payload_;
};

struct IdTokenExpectations {
  std::string issuer;
  std::string client_id;
  std::string nonce_hash;  // SHA-256 hex of the nonce sent
  common::UnixMillis now = 0;
  int64_t leeway_seconds = 60;
};

// Checks an ID token (compact JWS). On a kid missing from `keys` the status is
// PermissionDenied(kRefusalUnknownKid), so the caller may refetch once.
common::StatusOr<Claims> VerifyIdToken(std::string_view compact, const Jwks& keys,
                                       const IdTokenExpectations& expect);

// The student number in a claim's value: the last ':' segment of a SCHAC
// personal unique code (urn:schac:personalUniqueCode:nl:local:ORG:studentid:NR),
// otherwise the value itself. Of several values, a ":studentid:" code first.
std::string StudentNumberFrom(const std::vector<std::string>& values);

// Whether the token says the provider did a second factor: `amr` holds mfa,
// otp, hwk, swk, sms, fido or pin+something, or `acr` equals `mfa_acr` (when set).
bool TokenShowsMfa(const Claims& claims, std::string_view mfa_acr);

// ---- Per-school settings -----------------------------------------------------

struct SchoolSso {
  std::string school_id;
  std::string issuer;
  std::string client_id;
  std::string student_number_claim = "schac_personal_unique_code";
  std::string staff_claim = "eduperson_affiliation=employee";
  bool idp_enforces_mfa = false;
  std::string mfa_acr;
  bool enabled = true;
};

// The settings of one school; NotFound when it has none.
common::StatusOr<SchoolSso> LoadSchoolSso(db::Connection& c, std::string_view school_id);
// Inserts or replaces (InvalidArgument with the field for a bad value).
common::Status SaveSchoolSso(db::Connection& c, const SchoolSso& sso, common::UnixMillis now);
// Checks the values a school admin or the CLI gives; the field names the input.
common::Status ValidateSchoolSso(const SchoolSso& sso);
// "NAME=VALUE" -> {NAME, VALUE}; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> SplitStaffClaim(std::string_view claim);

// The client secret file: DATA_DIR/keys/oidc-<BRIN>.secret, mode 0600,
// written to a temporary name and renamed.
std::string SecretPath(const std::string& data_dir, std::string_view brin);
common::Status WriteSecret(const std::string& data_dir, std::string_view brin,
                           std::string_view secret);
common::StatusOr<std::string> ReadSecret(const std::string& data_dir, std::string_view brin);

// ---- Discovery and the flow --------------------------------------------------

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string end_session_endpoint;   // "" when the provider has none
  bool token_auth_post_only = false;  // client_secret_post but not _basic
};

// Fetches and checks ISSUER/.well-known/openid-configuration (its issuer must
// equal `issuer`, endpoints must be allowed URLs). InvalidArgument on field
// "issuer" with a reason a person can act on.
common::StatusOr<ProviderMetadata> Discover(const std::string& issuer,
                                            const HttpLimits& limits = {});

// What Begin() hands back.
struct Start {
  std::string redirect_url;    // the provider's authorization URL
  std::string browser_secret;  // for the cookie (kBrowserCookie)
};

// What Finish() needs from the callback.
struct Callback {
  std::string state, code, error;  // query parameters
  std::string browser_secret;      // the cookie's value ("" when absent)
};

struct Login {
  std::string school_id;
  std::unique_ptr<Claims> claims;
  std::string id_token;  // for logout at the provider (id_token_hint)
};

// The relying party, with a cache of providers' public metadata and keys
// shared by all schools (the cache runs on the system clock; states and
// tokens are checked against the `clock` a call is given). Thread-safe.
class RelyingParty {
 public:
  explicit RelyingParty(HttpLimits limits = {}) : limits_(limits) {}

  static constexpr auto kStateLifetime = std::chrono::minutes(10);
  static constexpr auto kCacheLifetime = std::chrono::hours(1);
  static constexpr auto kJwksRefetchInterval = std::chrono::seconds(60);

  common::StatusOr<ProviderMetadata> Metadata(const std::string& issuer);

  // Stores the state (hashed) in `c`'s transaction and returns the redirect.
  common::StatusOr<Start> Begin(db::Connection& c, const SchoolSso& sso,
                                const std::string& redirect_uri, const common::Clock& clock);

  // Burns the state in its own transaction (so a refused token still used
  // it), then talks to the provider. Refusals: PermissionDenied(reason).
  // `settings_and_secret` gives the settings and client secret of the
  // state's school; `school_id_out` names that school even on a refusal.
  common::StatusOr<Login> Finish(
      db::Database& db, const Callback& cb, const std::string& redirect_uri,
      const std::function<common::StatusOr<std::pair<SchoolSso, std::string>>(
          const std::string& school_id)>& settings_and_secret,
      std::string* school_id_out, const common::Clock& clock);

  // Drops the cached metadata and keys (tests).
  void ForgetProviders();

 private:
  struct Cached {
    ProviderMetadata meta;
    std::shared_ptr<const Jwks> jwks;
    common::UnixMillis fetched_at = 0;
    common::UnixMillis jwks_fetched_at = 0;
  };
  common::StatusOr<Cached> Provider(const std::string& issuer);
  common::StatusOr<std::shared_ptr<const Jwks>> RefetchJwks(const std::string& issuer);

  HttpLimits limits_;
  std::mutex mu_;
  std::map<std::string, Cached> cache_;
};

// The browser-binding cookie of a login under way.
inline constexpr char kBrowserCookie[] = "sp_sso";

// The PKCE pair: the verifier (from the browser secret and the state) and its S256 challenge.
std::string CodeVerifier(std::string_view browser_secret, std::string_view state);
std::string S256Challenge(std::string_view verifier);

}  // namespace oidc
