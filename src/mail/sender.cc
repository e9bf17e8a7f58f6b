#include "mail/sender.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "crypto/random.h"

namespace mail {

using common::Status;
using common::StatusOr;
using common::UnixMillis;

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) v |= uint8_t(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool IsAscii(std::string_view s) {
  for (char ch : s) {
    auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || (u < 0x20 && ch != '\t')) return false;
  }
  return true;
}

// Header values never carry a line break (no header injection).
std::string OneLine(std::string_view s) {
  std::string out;
  for (char ch : s) out += (ch == '\r' || ch == '\n') ? ' ' : ch;
  return out;
}

// RFC 2047 B-encoding in words of at most 45 input bytes (60 base64
// characters, so each encoded word stays under 75), split on UTF-8
// character boundaries, folded onto continuation lines.
std::string EncodeSubject(std::string_view subject) {
  std::string s = OneLine(subject);
  if (IsAscii(s)) return s;
  std::string out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = std::min(s.size(), pos + 45);
    while (end < s.size() && end > pos && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(s.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

// Quoted-printable (RFC 2045) of text with \n line ends, lines at most 76.
std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string encoded_line;
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      auto u = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string piece;
      if ((u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last)) {
        piece = std::string(1, static_cast<char>(u));
      } else {
        piece = {'=', kHex[u >> 4], kHex[u & 15]};
      }
      if (width + piece.size() > 75) {
        encoded_line += "=\r\n";
        width = 0;
      }
      encoded_line += piece;
      width += piece.size();
    }
    out += encoded_line;
    if (nl == std::string_view::npos) break;
    out += "\r\n";
    start = nl + 1;
  }
  return out;
}

std::string RfcDate(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday],
                     tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

// Writes `bytes` to dir/name atomically: a temporary file, fsync, rename.
Status WriteAtomically(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  // The files hold bodies (invitation links): only we may read them.
  if (ec || ::chmod(dir.c_str(), 0700) != 0)
    return Status::Unavailable("cannot create the outbox directory");
  std::string final_path = dir + "/" + name;
  std::string tmp = dir + "/." + name + "." + crypto::RandomId() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot write to the outbox directory");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Unavailable("cannot write to the outbox directory");
    }
    done += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Unavailable("cannot write to the outbox directory");
  }
  return Status::Ok();
}

void GlobalCurlInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  size_t room = size * nitems;
  size_t n = std::min(room, up->data->size() - up->offset);
  std::copy_n(up->data->data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

// One SMTP connection per run (curl reuses it between mails).
class Smtp {
 public:
  explicit Smtp(const SenderOptions& o) : options_(o) {
    GlobalCurlInit();
    curl_ = curl_easy_init();
    // The user comes from the URL, the password from its file; the URL's
    // own query (?tls=required) is ours, not curl's.
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, o.smtp_url.c_str(), 0) != CURLUE_OK) {
      curl_url_cleanup(u);
      bad_url_ = true;
      return;
    }
    char* part = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) {
      implicit_tls_ = std::string_view(part) == "smtps";
      curl_free(part);
    }
    if (curl_url_get(u, CURLUPART_USER, &part, CURLU_URLDECODE) == CURLUE_OK) {
      user_ = part;
      curl_free(part);
    }
    if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK) {
      require_tls_ = std::string_view(part).find("tls=required") != std::string_view::npos;
      curl_free(part);
    }
    curl_url_set(u, CURLUPART_USER, nullptr, 0);
    curl_url_set(u, CURLUPART_PASSWORD, nullptr, 0);
    curl_url_set(u, CURLUPART_QUERY, nullptr, 0);
    if (curl_url_get(u, CURLUPART_URL, &part, 0) == CURLUE_OK) {
      url_ = part;
      curl_free(part);
    } else {
      bad_url_ = true;
    }
    curl_url_cleanup(u);
  }
  ~Smtp() {
    if (curl_) curl_easy_cleanup(curl_);
  }
  Smtp(const Smtp&) = delete;
  Smtp& operator=(const Smtp&) = delete;

  // OK when the server accepted the message; otherwise a short reason.
  Status Send(const std::string& to, const std::string& message) {
    if (!curl_ || bad_url_) return Status::InvalidArgument("bad SMTP URL", "--smtp-url");
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(
        curl_, CURLOPT_USE_SSL,
        static_cast<long>(implicit_tls_ || require_tls_ ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (!user_.empty()) {
      curl_easy_setopt(curl_, CURLOPT_USERNAME, user_.c_str());
      curl_easy_setopt(curl_, CURLOPT_PASSWORD, options_.smtp_password.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, ("<" + options_.mail_from + ">").c_str());
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
    Upload up{&message};
    curl_easy_setopt(curl_, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl_, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, options_.timeout_seconds);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK) return Status::Ok();
    // Only curl's fixed text and the reply code: the server's own reply
    // line can repeat the address.
    long code = 0;  // NOLINT(google-runtime-int)
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    return Status::Unavailable(code > 0 ? fmt::format("{} (SMTP {})", curl_easy_strerror(rc), code)
                                        : std::string(curl_easy_strerror(rc)));
  }

 private:
  const SenderOptions& options_;
  CURL* curl_ = nullptr;
  std::string url_, user_;
  bool implicit_tls_ = false, require_tls_ = false, bad_url_ = false;
};

struct Claimed {
  OutgoingMail mail;
  int attempts = 0;
  UnixMillis created_at = 0;
};

}  // namespace

UnixMillis RetryDelay(int attempts) {
  constexpr UnixMillis kMinute = 60 * 1000, kCap = 6 * 60 * kMinute;
  if (attempts <= 1) return kMinute;
  if (attempts > 20) return kCap;
  return std::min(kCap, kMinute << (attempts - 1));
}

std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    rest = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  return rest.empty() ? "localhost" : std::string(rest);
}

std::string MaskAddress(std::string_view address) {
  size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(address.substr(0, 1)) + "***" + std::string(address.substr(at));
}

std::string BuildMessage(const OutgoingMail& m, std::string_view from, std::string_view host,
                         UnixMillis date) {
  std::string out;
  out += "Date: " + RfcDate(date) + "\r\n";
  out += "From: Stagepunt <" + OneLine(from) + ">\r\n";
  out += "To: <" + OneLine(m.to) + ">\r\n";
  out += "Subject: " + EncodeSubject(m.subject) + "\r\n";
  out += fmt::format("Message-ID: <{}@{}>\r\n", OneLine(m.id), OneLine(host));
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += QuotedPrintable(m.body);
  if (out.size() < 2 || out.substr(out.size() - 2) != "\r\n") out += "\r\n";
  return out;
}

Sender::Sender(db::Database& db, const common::Clock& clock, SenderOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {}

StatusOr<Sender::Run> Sender::RunOnce() {
  Run run;
  const UnixMillis now = clock_.NowMillis();
  // Claim: due queued rows and 'sending' rows whose lease ran out (a crash).
  // The UPDATE repeats the condition, so of two instances racing for a row
  // only one changes it (PostgreSQL re-checks it after the other's commit;
  // SQLite writes one at a time).
  std::vector<Claimed> claimed;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    claimed.clear();
    SP_ASSIGN_OR_RETURN(
        db::Rows due,
        c.Query("SELECT id, to_address, subject, body, attempts, created_at FROM mail_outbox "
                "WHERE (state = 'queued' AND next_attempt_at <= $1) OR "
                "(state = 'sending' AND claimed_until <= $1) ORDER BY next_attempt_at, id LIMIT $2",
                {now, options_.batch}));
    for (const db::Row& r : due.rows) {
      SP_ASSIGN_OR_RETURN(
          int64_t changed,
          c.Execute("UPDATE mail_outbox SET state = 'sending', claimed_until = $2, "
                    "attempts = attempts + 1 WHERE id = $1 AND ((state = 'queued' AND "
                    "next_attempt_at <= $3) OR (state = 'sending' AND claimed_until <= $3))",
                    {r.Text(0), now + options_.lease_ms, now}));
      if (changed != 1) continue;
      claimed.push_back(
          {{r.Text(0), r.Text(1), r.Text(2), r.Text(3)}, static_cast<int>(r.Int(4)) + 1, r.Int(5)});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;

  std::optional<Smtp> smtp;
  if (!options_.smtp_url.empty() && !claimed.empty()) smtp.emplace(options_);
  const std::string host = HostOf(options_.public_url);
  for (const Claimed& item : claimed) {
    std::string message = BuildMessage(item.mail, options_.mail_from, host, clock_.NowMillis());
    Status delivered = smtp ? smtp->Send(item.mail.to, message)
                            : WriteAtomically(options_.eml_dir, item.mail.id + ".eml", message);
    const UnixMillis at = clock_.NowMillis();
    Status recorded = db_.Write([&](db::Connection& c) -> Status {
      if (delivered.ok()) {
        return c
            .Execute(
                "UPDATE mail_outbox SET state = 'sent', sent_at = $2, subject = '', "
                "body = '', last_error = NULL, claimed_until = 0 WHERE id = $1",
                {item.mail.id, at})
            .status();
      }
      std::string reason = delivered.message().substr(0, 200);
      bool give_up = item.attempts >= kMaxAttempts ||
                     at + RetryDelay(item.attempts) > item.created_at + kGiveUpAfterMs;
      if (give_up) {
        return c
            .Execute(
                "UPDATE mail_outbox SET state = 'failed', last_error = $2, subject = '', "
                "body = '', claimed_until = 0 WHERE id = $1",
                {item.mail.id, reason})
            .status();
      }
      return c
          .Execute(
              "UPDATE mail_outbox SET state = 'queued', last_error = $2, "
              "next_attempt_at = $3, claimed_until = 0 WHERE id = $1",
              {item.mail.id, reason, at + RetryDelay(item.attempts)})
          .status();
    });
    if (!recorded.ok()) return recorded;  // the lease brings the row back
    if (delivered.ok()) {
      ++run.sent;
    } else if (item.attempts >= kMaxAttempts ||
               at + RetryDelay(item.attempts) > item.created_at + kGiveUpAfterMs) {
      ++run.failed;
    } else {
      ++run.retried;
    }
  }

  // Old rows are removed by the retention job (retention/runner.h, period "mail").
  return run;
}

}  // namespace mail
