// The back channel to a provider (discovery, JWKS, token endpoint) over
// libcurl: TLS verification stays on (curl's default, set explicitly), no
// redirects are followed, connect and total timeouts, and a response larger
// than the cap is cut off and refused.
#include <curl/curl.h>

#include <mutex>

#include "oidc/relying_party.h"

namespace oidc {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body;
  size_t cap;
  bool overflow = false;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->body->size() + n > sink->cap) {
    sink->overflow = true;
    return 0;  // makes curl fail the transfer
  }
  sink->body->append(data, n);
  return n;
}

common::StatusOr<HttpResult> Perform(const std::string& url, const std::string* post_body,
                                     const std::vector<std::string>& headers,
                                     const HttpLimits& limits) {
  if (!AllowedProviderUrl(url)) return common::Status::InvalidArgument("url not allowed", "issuer");
  GlobalInit();
  CURL* curl = curl_easy_init();
  if (!curl) return common::Status::Internal("curl_easy_init failed");
  HttpResult result;
  Sink sink{&result.body, limits.max_response_bytes};
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Accept: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "Stagepunt");
  if (post_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (sink.overflow) return common::Status::Unavailable("provider response too large");
  if (rc != CURLE_OK) {
    return common::Status::Unavailable(std::string("provider unreachable: ") +
                                       curl_easy_strerror(rc));
  }
  return result;
}

}  // namespace

bool AllowedProviderUrl(std::string_view url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  if (url.rfind("http://", 0) != 0) return false;
  std::string_view rest = url.substr(7);
  for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (rest.rfind(host, 0) == 0) {
      if (rest.size() == host.size()) return true;
      char next = rest[host.size()];
      if (next == ':' || next == '/') return true;
    }
  }
  return false;
}

std::string FormEncode(std::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : value) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

common::StatusOr<HttpResult> HttpGet(const std::string& url, const HttpLimits& limits) {
  return Perform(url, nullptr, {}, limits);
}

common::StatusOr<HttpResult> HttpPostForm(const std::string& url, const std::string& body,
                                          const std::vector<std::string>& headers,
                                          const HttpLimits& limits) {
  std::vector<std::string> all = headers;
  all.push_back("Content-Type: application/x-www-form-urlencoded");
  return Perform(url, &body, all, limits);
}

}  // namespace oidc
