// Discovery, the provider cache and the two halves of the code flow.
#include "oidc/relying_party.h"

#include <cjose/cjose.h>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace oidc {

namespace {

using common::Status;

std::string Base64(std::string_view bytes) {
  char* out = nullptr;
  size_t len = 0;
  cjose_err err;
  if (!cjose_base64_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out, &len,
                           &err)) {
    return {};
  }
  std::string s(out, len);
  cjose_get_dealloc()(out);
  return s;
}

common::UnixMillis Millis(std::chrono::milliseconds d) { return d.count(); }

common::StatusOr<Jwks> FetchJwks(const std::string& uri, const HttpLimits& limits) {
  SP_ASSIGN_OR_RETURN(HttpResult r, HttpGet(uri, limits));
  if (r.status != 200) return Status::Unavailable("JWKS answered " + std::to_string(r.status));
  return Jwks::Parse(r.body);
}

}  // namespace

common::StatusOr<ProviderMetadata> Discover(const std::string& issuer, const HttpLimits& limits) {
  if (!AllowedProviderUrl(issuer)) {
    return Status::InvalidArgument("the issuer must be an https URL", "issuer");
  }
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto fetched = HttpGet(base + "/.well-known/openid-configuration", limits);
  if (!fetched.ok()) {
    return Status::InvalidArgument(
        "cannot fetch the discovery document of the issuer: " + fetched.status().message(),
        "issuer");
  }
  if (fetched->status != 200) {
    return Status::InvalidArgument(
        "the issuer's discovery document answered HTTP " + std::to_string(fetched->status),
        "issuer");
  }
  nlohmann::json doc = nlohmann::json::parse(fetched->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("the issuer's discovery document is not JSON", "issuer");
  }
  ProviderMetadata m;
  auto text = [&](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  m.issuer = text("issuer");
  m.authorization_endpoint = text("authorization_endpoint");
  m.token_endpoint = text("token_endpoint");
  m.jwks_uri = text("jwks_uri");
  m.end_session_endpoint = text("end_session_endpoint");
  // The issuer in the document must be exactly the one configured (OIDC
  // Discovery 4.3): otherwise tokens would be checked against another iss.
  if (m.issuer != issuer) {
    return Status::InvalidArgument(
        "the discovery document names another issuer (" + m.issuer + "); use exactly that",
        "issuer");
  }
  for (const std::string* url : {&m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri}) {
    if (!AllowedProviderUrl(*url)) {
      return Status::InvalidArgument("the discovery document lacks an https endpoint", "issuer");
    }
  }
  if (!m.end_session_endpoint.empty() && !AllowedProviderUrl(m.end_session_endpoint)) {
    m.end_session_endpoint.clear();
  }
  auto methods = doc.find("token_endpoint_auth_methods_supported");
  if (methods != doc.end() && methods->is_array()) {
    bool basic = false, post = false;
    for (const auto& v : *methods) {
      if (v == "client_secret_basic") basic = true;
      if (v == "client_secret_post") post = true;
    }
    m.token_auth_post_only = post && !basic;
  }
  return m;
}

common::StatusOr<RelyingParty::Cached> RelyingParty::Provider(const std::string& issuer) {
  common::UnixMillis now = common::SystemClock::Instance().NowMillis();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(issuer);
    if (it != cache_.end() && now - it->second.fetched_at < Millis(kCacheLifetime)) {
      return it->second;
    }
  }
  // Fetched outside the lock: a slow provider does not hold up other schools.
  Cached fresh;
  SP_ASSIGN_OR_RETURN(fresh.meta, Discover(issuer, limits_));
  SP_ASSIGN_OR_RETURN(Jwks keys, FetchJwks(fresh.meta.jwks_uri, limits_));
  fresh.jwks = std::make_shared<const Jwks>(std::move(keys));
  fresh.fetched_at = fresh.jwks_fetched_at = now;
  std::lock_guard<std::mutex> lock(mu_);
  cache_[issuer] = fresh;
  return fresh;
}

common::StatusOr<std::shared_ptr<const Jwks>> RelyingParty::RefetchJwks(const std::string& issuer) {
  common::UnixMillis now = common::SystemClock::Instance().NowMillis();
  std::string uri;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(issuer);
    if (it == cache_.end()) return Status::NotFound("provider not cached");
    // At most once a minute per provider: tokens with made-up kids must not
    // turn us into a load generator against the provider.
    if (now - it->second.jwks_fetched_at < Millis(kJwksRefetchInterval)) {
      return Status::ResourceExhausted("JWKS refetched recently");
    }
    it->second.jwks_fetched_at = now;
    uri = it->second.meta.jwks_uri;
  }
  SP_ASSIGN_OR_RETURN(Jwks keys, FetchJwks(uri, limits_));
  auto shared = std::make_shared<const Jwks>(std::move(keys));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(issuer);
  if (it != cache_.end()) it->second.jwks = shared;
  return shared;
}

common::StatusOr<ProviderMetadata> RelyingParty::Metadata(const std::string& issuer) {
  SP_ASSIGN_OR_RETURN(Cached c, Provider(issuer));
  return c.meta;
}

void RelyingParty::ForgetProviders() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

common::StatusOr<Start> RelyingParty::Begin(db::Connection& c, const SchoolSso& sso,
                                            const std::string& redirect_uri,
                                            const common::Clock& clock) {
  SP_ASSIGN_OR_RETURN(Cached provider, Provider(sso.issuer));
  Start start;
  start.browser_secret = crypto::RandomToken();
  std::string state = crypto::RandomToken();
  std::string nonce = crypto::RandomToken();
  common::UnixMillis now = clock.NowMillis();
  // Old rows go as new ones come; each lives ten minutes at most.
  SP_RETURN_IF_ERROR(
      c.Execute("DELETE FROM sso_login_states WHERE expires_at < $1", {now}).status());
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO sso_login_states (state_hash, browser_hash, nonce_hash, school_id, "
                "expires_at) VALUES ($1, $2, $3, $4, $5)",
                {crypto::Sha256Hex(state), crypto::Sha256Hex(start.browser_secret),
                 crypto::Sha256Hex(nonce), sso.school_id, now + Millis(kStateLifetime)})
          .status());
  const std::string& endpoint = provider.meta.authorization_endpoint;
  start.redirect_url =
      endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") +
      "response_type=code&scope=" + FormEncode("openid profile email") +
      "&client_id=" + FormEncode(sso.client_id) + "&redirect_uri=" + FormEncode(redirect_uri) +
      "&state=" + FormEncode(state) + "&nonce=" + FormEncode(nonce) +
      "&code_challenge=" + FormEncode(S256Challenge(CodeVerifier(start.browser_secret, state))) +
      "&code_challenge_method=S256";
  return start;
}

common::StatusOr<Login> RelyingParty::Finish(
    db::Database& db, const Callback& cb, const std::string& redirect_uri,
    const std::function<common::StatusOr<std::pair<SchoolSso, std::string>>(
        const std::string& school_id)>& settings_and_secret,
    std::string* school_id_out, const common::Clock& clock) {
  if (cb.state.empty() || cb.state.size() > 200) return Status::PermissionDenied(kRefusalBadState);
  std::string state_hash = crypto::Sha256Hex(cb.state);
  std::string school_id, nonce_hash;
  common::UnixMillis now = clock.NowMillis();
  // The state is burnt in a transaction of its own, before the provider is
  // asked: whatever happens next, the same state never works twice.
  Status burnt = db.Write([&](db::Connection& c) -> Status {
    auto row = c.QueryOne(
        "SELECT browser_hash, nonce_hash, school_id, expires_at, used_at FROM sso_login_states "
        "WHERE state_hash = $1",
        {state_hash});
    if (!row.ok()) {
      return row.status().code() == common::StatusCode::kNotFound
                 ? Status::PermissionDenied(kRefusalBadState)
                 : row.status();
    }
    school_id = row->Text(2);
    if (!row->IsNull(4)) return Status::PermissionDenied(kRefusalReplayedState);
    if (cb.browser_secret.empty() || crypto::Sha256Hex(cb.browser_secret) != row->Text(0) ||
        row->Int(3) < now) {
      return Status::PermissionDenied(kRefusalBadState);
    }
    nonce_hash = row->Text(1);
    SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("UPDATE sso_login_states SET used_at = $1 "
                                             "WHERE state_hash = $2 AND used_at IS NULL",
                                             {now, state_hash}));
    if (n != 1) return Status::PermissionDenied(kRefusalReplayedState);
    return Status::Ok();
  });
  if (school_id_out) *school_id_out = school_id;
  if (!burnt.ok()) return burnt;
  if (!cb.error.empty() || cb.code.empty()) return Status::PermissionDenied(kRefusalProviderError);

  SP_ASSIGN_OR_RETURN(auto settings, settings_and_secret(school_id));
  const SchoolSso& sso = settings.first;
  const std::string& secret = settings.second;
  auto provider = Provider(sso.issuer);
  if (!provider.ok()) return Status::PermissionDenied(kRefusalUnavailable);

  std::string body = "grant_type=authorization_code&code=" + FormEncode(cb.code) +
                     "&redirect_uri=" + FormEncode(redirect_uri) +
                     "&code_verifier=" + FormEncode(CodeVerifier(cb.browser_secret, cb.state));
  std::vector<std::string> headers;
  if (provider->meta.token_auth_post_only) {
    body += "&client_id=" + FormEncode(sso.client_id) + "&client_secret=" + FormEncode(secret);
  } else {
    // RFC 6749 2.3.1: id and secret are form-encoded before Basic's base64.
    headers.push_back("Authorization: Basic " +
                      Base64(FormEncode(sso.client_id) + ":" + FormEncode(secret)));
  }
  auto answer = HttpPostForm(provider->meta.token_endpoint, body, headers, limits_);
  if (!answer.ok()) return Status::PermissionDenied(kRefusalUnavailable);
  if (answer->status != 200) return Status::PermissionDenied(kRefusalTokenEndpoint);
  nlohmann::json tokens = nlohmann::json::parse(answer->body, nullptr, false);
  if (tokens.is_discarded() || !tokens.is_object() || !tokens.contains("id_token") ||
      !tokens["id_token"].is_string()) {
    return Status::PermissionDenied(kRefusalMalformed);
  }
  std::string id_token = tokens["id_token"].get<std::string>();
  IdTokenExpectations expect{sso.issuer, sso.client_id, nonce_hash, clock.NowMillis()};
  auto claims = VerifyIdToken(id_token, *provider->jwks, expect);
  if (!claims.ok() && claims.status().message() == kRefusalUnknownKid) {
    // The provider may have rotated its keys: fetch them once more.
    auto keys = RefetchJwks(sso.issuer);
    if (keys.ok()) claims = VerifyIdToken(id_token, **keys, expect);
  }
  if (!claims.ok()) return claims.status();
  Login login;
  login.school_id = school_id;
  login.claims = std::make_unique<Claims>(std::move(*claims));
  login.id_token = std::move(id_token);
  return login;
}

}  // namespace oidc
