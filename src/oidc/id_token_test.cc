// ID token checks against tokens signed here with libcjose (real keys, real
// signatures), and the claim helpers.
#include <cjose/cjose.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "crypto/hash.h"
#include "oidc/relying_party.h"

namespace oidc {
namespace {

constexpr int64_t kNow = 1'800'000'000;

struct Key {
  cjose_jwk_t* jwk;
  std::string alg;
};

Key NewKey(bool ec, const char* kid) {
  cjose_err err;
  static const uint8_t e[] = {1, 0, 1};
  cjose_jwk_t* jwk = ec ? cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err)
                        : cjose_jwk_create_RSA_random(2048, e, sizeof e, &err);
  cjose_jwk_set_kid(jwk, kid, strlen(kid), &err);
  return {jwk, ec ? CJOSE_HDR_ALG_ES256 : CJOSE_HDR_ALG_RS256};
}

std::string JwksOf(std::initializer_list<Key> keys) {
  nlohmann::json set = {{"keys", nlohmann::json::array()}};
  for (const Key& k : keys) {
    cjose_err err;
    char* json = cjose_jwk_to_json(k.jwk, false, &err);
    set["keys"].push_back(nlohmann::json::parse(json));
    free(json);
  }
  return set.dump();
}

std::string Sign(const Key& key, const nlohmann::json& payload, const char* alg = nullptr) {
  cjose_err err;
  cjose_header_t* h = cjose_header_new(&err);
  cjose_header_set(h, CJOSE_HDR_ALG, alg ? alg : key.alg.c_str(), &err);
  cjose_header_set(h, CJOSE_HDR_KID, cjose_jwk_get_kid(key.jwk, &err), &err);
  std::string body = payload.dump();
  cjose_jws_t* jws =
      cjose_jws_sign(key.jwk, h, reinterpret_cast<const uint8_t*>(body.data()), body.size(), &err);
  std::string out;
  if (jws) {
    const char* ser = nullptr;
    cjose_jws_export(jws, &ser, &err);
    out = ser;
    cjose_jws_release(jws);
  }
  cjose_header_release(h);
  return out;
}

nlohmann::json Payload() {
  return {{"iss", "https://idp.example"},
          {"aud", "stagepunt"},
          {"sub", "abc"},
          {"exp", kNow + 300},
          {"iat", kNow},
          {"nonce", "n-1"}};
}

IdTokenExpectations Expect() {
  return {"https://idp.example", "stagepunt", crypto::Sha256Hex("n-1"), kNow * 1000};
}

std::string Reason(const common::StatusOr<Claims>& r) {
  return r.ok() ? "ok" : r.status().message();
}

class IdTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rsa_ = NewKey(false, "r1");
    ec_ = NewKey(true, "e1");
    keys_ = *Jwks::Parse(JwksOf({rsa_, ec_}));
  }
  void TearDown() override {
    cjose_jwk_release(rsa_.jwk);
    cjose_jwk_release(ec_.jwk);
  }
  Key rsa_, ec_;
  Jwks keys_;
};

TEST_F(IdTokenTest, AcceptsRs256AndEs256) {
  EXPECT_EQ(Reason(VerifyIdToken(Sign(rsa_, Payload()), keys_, Expect())), "ok");
  auto claims = VerifyIdToken(Sign(ec_, Payload()), keys_, Expect());
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->Subject(), "abc");
}

TEST_F(IdTokenTest, RefusesEachBrokenClaim) {
  auto with = [&](const char* name, nlohmann::json value) {
    nlohmann::json p = Payload();
    p[name] = std::move(value);
    return Reason(VerifyIdToken(Sign(rsa_, p), keys_, Expect()));
  };
  EXPECT_EQ(with("iss", "https://other.example"), kRefusalWrongIssuer);
  EXPECT_EQ(with("aud", "someone-else"), kRefusalWrongAudience);
  EXPECT_EQ(with("aud", nlohmann::json::array({"stagepunt", "other"})), kRefusalWrongAudience);
  EXPECT_EQ(with("azp", "other"), kRefusalWrongAudience);
  EXPECT_EQ(with("exp", kNow - 61), kRefusalExpired);
  EXPECT_EQ(with("exp", kNow - 30), "ok");  // within the leeway
  EXPECT_EQ(with("iat", kNow + 3600), kRefusalIssuedInFuture);
  EXPECT_EQ(with("nonce", "n-2"), kRefusalBadNonce);
  nlohmann::json multi = Payload();
  multi["aud"] = {"stagepunt", "other"};
  multi["azp"] = "stagepunt";
  EXPECT_EQ(Reason(VerifyIdToken(Sign(rsa_, multi), keys_, Expect())), "ok");
}

TEST_F(IdTokenTest, RefusesUnknownKidTamperingAndOtherAlgorithms) {
  Key stranger = NewKey(false, "r2");
  EXPECT_EQ(Reason(VerifyIdToken(Sign(stranger, Payload()), keys_, Expect())), kRefusalUnknownKid);
  cjose_jwk_release(stranger.jwk);

  std::string token = Sign(rsa_, Payload());
  size_t dot = token.find('.');
  token[dot + 5] = token[dot + 5] == 'A' ? 'B' : 'A';
  std::string r = Reason(VerifyIdToken(token, keys_, Expect()));
  EXPECT_TRUE(r == kRefusalBadSignature || r == kRefusalMalformed) << r;

  // alg none: header {"alg":"none"}, an empty signature.
  std::string none =
      "eyJhbGciOiJub25lIn0." + token.substr(dot + 1, token.rfind('.') - dot - 1) + ".";
  EXPECT_EQ(Reason(VerifyIdToken(none, keys_, Expect())), kRefusalBadAlgorithm);
  EXPECT_EQ(Reason(VerifyIdToken("not a token", keys_, Expect())), kRefusalMalformed);
}

TEST(ClaimsTest, StudentNumberAndMfa) {
  EXPECT_EQ(StudentNumberFrom({"urn:schac:personalUniqueCode:nl:local:roc.nl:studentid:123456"}),
            "123456");
  EXPECT_EQ(StudentNumberFrom({"urn:schac:personalUniqueCode:nl:local:roc.nl:employeeid:9",
                               "urn:schac:personalUniqueCode:nl:local:roc.nl:studentid:77"}),
            "77");
  EXPECT_EQ(StudentNumberFrom({"4711"}), "4711");
  EXPECT_EQ(StudentNumberFrom({}), "");
  Claims pwd(nlohmann::json{{"amr", {"pwd"}}, {"acr", "urn:x:mfa"}});
  EXPECT_FALSE(TokenShowsMfa(pwd, ""));
  EXPECT_TRUE(TokenShowsMfa(pwd, "urn:x:mfa"));
  EXPECT_TRUE(TokenShowsMfa(Claims(nlohmann::json{{"amr", {"pwd", "mfa"}}}), ""));
}

TEST(SettingsTest, Validation) {
  SchoolSso s;
  s.issuer = "https://login.example";
  s.client_id = "x";
  EXPECT_TRUE(ValidateSchoolSso(s).ok());
  s.staff_claim = "novalue";
  EXPECT_EQ(ValidateSchoolSso(s).field(), "staff_claim");
  s.staff_claim = "a=b";
  s.issuer = "http://login.example";
  EXPECT_EQ(ValidateSchoolSso(s).field(), "issuer");
  EXPECT_TRUE(AllowedProviderUrl("http://127.0.0.1:4000/"));
  EXPECT_FALSE(AllowedProviderUrl("http://127.0.0.1.evil.example/"));
}

TEST(SettingsTest, TheClientSecretIsAFileOnlyWeMayRead) {
  char dir_template[] = "/tmp/oidc-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  EXPECT_EQ(ReadSecret(dir, "99DM").status().code(), common::StatusCode::kNotFound);
  ASSERT_TRUE(WriteSecret(dir, "99DM", "s3cr3t").ok());
  ASSERT_TRUE(WriteSecret(dir, "99DM", "replaced").ok());  // atomically replaced
  EXPECT_EQ(*ReadSecret(dir, "99DM"), "replaced");
  struct stat st {};
  ASSERT_EQ(stat(SecretPath(dir, "99DM").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(WriteSecret(dir, "99DM", "two\nlines").field(), "client_secret");
  EXPECT_EQ(WriteSecret(dir, "99DM", "").field(), "client_secret");
  std::filesystem::remove_all(dir);
}

TEST(CodeVerifierTest, NeedsTheBrowserSecretAndTheState) {
  std::string v = CodeVerifier("browser", "state");
  EXPECT_EQ(v.size(), 43u);  // RFC 7636: 43..128 characters
  EXPECT_EQ(v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(v, CodeVerifier("other", "state"));
  EXPECT_NE(v, CodeVerifier("browser", "other"));
  // RFC 7636 Appendix B.
  EXPECT_EQ(S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

}  // namespace
}  // namespace oidc
