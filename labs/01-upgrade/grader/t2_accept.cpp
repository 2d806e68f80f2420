// Lab 1 grader, tasks 3-4: base64_encode and sec_websocket_accept.
#include "support.h"

namespace {

std::string encode(const std::string& bytes) {
  grade::step("base64_encode(\"" + grade::escape(bytes) + "\") : " + std::to_string(bytes.size()) + " bytes");
  return ws::base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

void check_padding(const std::string& want, const std::string& got) {
  if (got == "TODO") {
    grade::symptom("base64_encode still returns the starter's \"TODO\": write it (task 3 in the README).");
  } else if (got.size() % 4 != 0 || (want.find('=') != std::string::npos && got.find('=') == std::string::npos)) {
    grade::symptom("RFC 4648 4: the output is always a multiple of 4 characters. 1 byte left over -> 2 "
                   "characters and \"==\"; 2 bytes left over -> 3 characters and \"=\".");
  }
}

std::string accept(const std::string& key) {
  grade::step("sec_websocket_accept(\"" + key + "\")");
  std::string got = ws::sec_websocket_accept(key);
  lab1::diagnose_accept(key, got);
  return got;
}

}  // namespace

GRADED_TEST(Base64, Rfc4648Vectors, 2,
            "RFC 4648 10 lists these: each 3 bytes make 4 characters of 6 bits, most significant bits first, "
            "from \"A-Za-z0-9+/\"; pad the last group with '='.") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, want] : vectors) {
    std::string got = encode(in);
    check_padding(want, got);
    GRADE_EXPECT_EQ("base64", want, got);
  }
}

GRADED_TEST(Base64, AnyBytes, 1,
            "Bytes are 0-255: read them as unsigned (a char may be negative), and check bytes that use "
            "'+' and '/' (62 and 63).") {
  std::string all;
  for (int b = 255; b >= 0; --b) all += static_cast<char>(b);
  std::string got = encode(all);
  GRADE_EXPECT_EQ("base64", lab1::reference_base64(all), got);
  for (int i = 0; i < 40; ++i) {
    std::string bytes = lab1::random_bytes(grade::rng()() % 40);
    got = encode(bytes);
    std::string want = lab1::reference_base64(bytes);
    check_padding(want, got);
    GRADE_EXPECT_EQ("base64", want, got);
    if (want != got) break;
  }
}

GRADED_TEST(Accept, RfcExample, 3,
            "RFC 6455 4.2.2 step 5.4 (and 1.3's example): Sec-WebSocket-Accept = base64(SHA-1(key + "
            "\"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), the SHA-1 as its 20 raw bytes.") {
  GRADE_EXPECT_EQ("Sec-WebSocket-Accept", std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                  accept("dGhlIHNhbXBsZSBub25jZQ=="));
}

GRADED_TEST(Accept, RandomKeys, 2,
            "RFC 6455 4.2.2 step 5.4: base64(SHA-1(key + GUID)) for every key, not only the RFC's example.") {
  for (int i = 0; i < 20; ++i) {
    std::string key = lab1::random_key();
    std::string want = lab1::reference_accept(key);
    std::string got = accept(key);
    GRADE_EXPECT_EQ("Sec-WebSocket-Accept", want, got);
    if (want != got) break;
  }
}
