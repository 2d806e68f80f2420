// Lab 1 grader support (see support.h).
#include "support.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace lab1 {
namespace {

bool same_name(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) ==
                                                std::tolower(static_cast<unsigned char>(y)); });
}

std::string sha1(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace

Fields good_fields() {
  return {{"Host", "127.0.0.1:7681"},
          {"Upgrade", "websocket"},
          {"Connection", "Upgrade"},
          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
          {"Origin", "http://127.0.0.1:7681"},
          {"Sec-WebSocket-Version", "13"}};
}

std::string head(const Fields& fields, const std::string& request_line) {
  std::string out = request_line + "\r\n";
  for (const auto& [name, value] : fields) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

ws::Request request(const Fields& fields, const std::string& method, const std::string& version) {
  ws::Request r;
  r.method = method;
  r.target = "/chat";
  r.version = version;
  for (const auto& [name, value] : fields) r.headers.push_back(ws::Header{name, value});
  return r;
}

Fields with(Fields fields, const std::string& name, const std::string& value) {
  for (auto& f : fields) {
    if (same_name(f.first, name)) {
      f.second = value;
      return fields;
    }
  }
  fields.emplace_back(name, value);
  return fields;
}

Fields without(Fields fields, const std::string& name) {
  std::erase_if(fields, [&](const auto& f) { return same_name(f.first, name); });
  return fields;
}

std::string reference_base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string reference_accept(const std::string& key) {
  return reference_base64(sha1(key + std::string(ws::websocket_guid)));
}

std::string random_bytes(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(grade::rng()() & 0xff);
  return out;
}

std::string random_key() { return reference_base64(random_bytes(16)); }

void diagnose_accept(const std::string& key, const std::string& actual) {
  const std::string guid(ws::websocket_guid);
  if (actual == "TODO") {
    grade::symptom("sec_websocket_accept still returns the starter's \"TODO\": write it (task 4 in the README).");
  } else if (actual == reference_base64(sha1(key))) {
    grade::symptom("You forgot the GUID: SHA-1 the key followed by \"" + guid +
                   "\", not the key alone (RFC 6455 4.2.2, step 5.4).");
  } else if (actual == reference_base64(hex(sha1(key + guid)))) {
    grade::symptom("You base64-encoded the SHA-1 as 40 hex characters; encode its 20 raw bytes (RFC 6455 4.2.2).");
  } else if (actual == reference_base64(sha1(guid + key))) {
    grade::symptom("The key comes first, then the GUID: SHA-1(key + GUID) (RFC 6455 4.2.2).");
  } else if (actual == hex(sha1(key + guid))) {
    grade::symptom("That is the SHA-1 in hex; the header carries base64 of its 20 raw bytes (RFC 6455 4.2.2).");
  } else if (!actual.empty() && actual.size() != 28) {
    grade::symptom("An accept value is always 28 characters: base64 of 20 bytes, ending in one '=' (RFC 4648 4).");
  }
}

std::string response_header(const ws::Response& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (same_name(h.name, name)) return h.value;
  }
  return "(none)";
}

}  // namespace lab1
