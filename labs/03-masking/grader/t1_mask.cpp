// Lab 3 grader: apply_mask, new_masking_key, encode_frame, check_masking, unmask_frame.
#include "../../02-frames/grader/describe.h"
#include "grade/grade.h"
#include "mask.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace {

using Bytes = std::vector<std::uint8_t>;
using Key = std::array<std::uint8_t, 4>;

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(grade::rng()());
  return b;
}

Key random_key() {
  Bytes b = random_bytes(4);
  return {b[0], b[1], b[2], b[3]};
}

std::string key_hex(const Key& k) { return grade::hex(k); }

// The grader's own masking, byte by byte as 5.3 writes it.
Bytes reference_mask(Bytes data, const Key& key, std::uint64_t offset) {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(data[i] ^ key[(offset + i) % 4]);
  return data;
}

Bytes mask(Bytes data, const Key& key, std::uint64_t offset = 0) {
  grade::step("apply_mask(\"" + grade::hex(data, 16) + "\" : " + std::to_string(data.size()) + " bytes, key " +
              key_hex(key) + ", offset " + std::to_string(offset) + ")");
  ws::apply_mask(data, key, offset);
  return data;
}

void diagnose_mask(const Bytes& input, const Key& key, std::uint64_t offset, const Bytes& got) {
  if (got == reference_mask(input, key, offset)) return;  // right: nothing to diagnose
  if (got == input && !input.empty()) {
    grade::symptom("apply_mask left the bytes as they were: XOR each one with a key byte (RFC 6455 5.3).");
  } else if (offset != 0 && got == reference_mask(input, key, 0)) {
    grade::symptom("apply_mask ignores `offset`: byte i of this piece is byte offset + i of the payload, so it takes "
                   "masking_key[(offset + i) % 4] (RFC 6455 5.3).");
  } else if (input.size() > 4 && std::equal(got.begin(), got.begin() + 4, reference_mask(input, key, offset).begin())) {
    grade::symptom("The first 4 bytes are right, the rest not: the key must cycle, masking_key[i % 4] (RFC 6455 5.3).");
  }
}

}  // namespace

GRADED_TEST(Mask, RfcExample, 2,
            "RFC 6455 5.7: \"Hello\" masked with key 37 fa 21 3d is 7f 9f 4d 51 58: each byte XOR "
            "masking_key[i % 4] (5.3).") {
  Bytes hello = {'H', 'e', 'l', 'l', 'o'};
  Key key = {0x37, 0xfa, 0x21, 0x3d};
  Bytes got = mask(hello, key);
  diagnose_mask(hello, key, 0, got);
  GRADE_EXPECT_EQ("masked bytes", (Bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}), got);
  GRADE_EXPECT_EQ("unmasked again", hello, mask(got, key));
}

GRADED_TEST(Mask, KeyCycles, 3,
            "RFC 6455 5.3: j = i MOD 4: the 4-byte key repeats over the whole payload, whatever its length.") {
  for (std::size_t len : {0u, 1u, 3u, 4u, 5u, 8u, 13u, 130u, 1000u}) {
    Bytes data = random_bytes(len);
    Key key = random_key();
    Bytes got = mask(data, key);
    diagnose_mask(data, key, 0, got);
    GRADE_EXPECT_EQ("masked bytes", reference_mask(data, key, 0), got);
    if (got != reference_mask(data, key, 0)) return;
  }
}

GRADED_TEST(Mask, FromAnyOffset, 3,
            "RFC 6455 5.3: a payload arrives in pieces; byte i of a piece that starts at `offset` is byte "
            "offset + i of the payload and takes masking_key[(offset + i) % 4].") {
  for (int round = 0; round < 10; ++round) {
    Bytes payload = random_bytes(1 + grade::rng()() % 300);
    Key key = random_key();
    Bytes want = reference_mask(payload, key, 0);
    Bytes got;
    std::size_t at = 0;
    while (at < payload.size()) {
      std::size_t n = std::min<std::size_t>(payload.size() - at, 1 + grade::rng()() % 7);
      Bytes piece(payload.begin() + static_cast<std::ptrdiff_t>(at), payload.begin() + static_cast<std::ptrdiff_t>(at + n));
      Bytes out = mask(piece, key, at);
      diagnose_mask(piece, key, at, out);
      GRADE_ASSERT_EQ("masked piece", reference_mask(piece, key, at), out);
      got.insert(got.end(), out.begin(), out.end());
      at += n;
    }
    GRADE_EXPECT_EQ("the whole payload", want, got);
  }
  Bytes big = random_bytes(5);
  GRADE_EXPECT_EQ("a 64-bit offset", reference_mask(big, {1, 2, 3, 4}, (std::uint64_t{1} << 40) + 3),
                  mask(big, {1, 2, 3, 4}, (std::uint64_t{1} << 40) + 3));
}

GRADED_TEST(Key, Unpredictable, 3,
            "RFC 6455 5.3 and 10.3: masking keys must be unpredictable: take them from the kernel's CSPRNG "
            "(getrandom) or RAND_bytes. rand(), time() or an unseeded std::mt19937 give the same keys in every "
            "run, which is what a cache-poisoning attacker needs.") {
  // Two fresh processes must not draw the same first key (a fixed seed would). Fork before this
  // process draws any key, so both start from the same state.
  grade::step("new_masking_key() in two new processes: their first keys must differ");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Key k = ws::new_masking_key();
    ssize_t w = write(fds[1], k.data(), k.size());
    _exit(w == 4 ? 0 : 1);
  }
  close(fds[1]);
  Key first = ws::new_masking_key();
  Key other{};
  ssize_t got = read(fds[0], other.data(), other.size());
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  GRADE_ASSERT_EQ("bytes from the other process", ssize_t{4}, got);
  if (other == first) {
    grade::symptom("Two new processes drew the same first key: the generator is seeded the same way each run. "
                   "Use getrandom() (or RAND_bytes), not a fixed-seed generator (RFC 6455 10.3).");
  }
  GRADE_EXPECT_EQ("a different first key in another process", true, other != first);

  grade::step("new_masking_key() 2000 times");
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    Key k = ws::new_masking_key();
    seen.insert(std::uint32_t{k[0]} << 24 | std::uint32_t{k[1]} << 16 | std::uint32_t{k[2]} << 8 | k[3]);
  }
  if (seen.size() == 1) grade::symptom("new_masking_key returns the same key every time.");
  GRADE_EXPECT_EQ("2000 keys are (nearly) all different", true, seen.size() >= 1990);
}

GRADED_TEST(Frames, ClientMasks, 3,
            "RFC 6455 5.1 and 5.3: a client masks every frame it sends: MASK bit set, a new 4-byte key after "
            "the length, the payload XORed with it. Use your encode_frame_header for the header.") {
  Bytes hello = {'H', 'e', 'l', 'l', 'o'};
  std::set<Key> keys;
  for (int i = 0; i < 3; ++i) {
    grade::step("encode_frame(client, text, \"Hello\")");
    Bytes got = ws::encode_frame(ws::Role::client, ws::Opcode::text, hello);
    grade::got(got);
    GRADE_ASSERT_EQ("frame length (2 header + 4 key + 5 payload)", std::size_t{11}, got.size());
    GRADE_EXPECT_EQ("byte 0", lab2::FirstByte{0x81}, lab2::FirstByte{got[0]});
    GRADE_EXPECT_EQ("byte 1", lab2::SecondByte{0x85}, lab2::SecondByte{got[1]});
    Key key = {got[2], got[3], got[4], got[5]};
    keys.insert(key);
    Bytes payload(got.begin() + 6, got.end());
    if (payload == hello) grade::symptom("The payload went out unmasked: XOR it with the key in the header (5.3).");
    GRADE_EXPECT_EQ("the payload unmasked with the frame's key", hello, reference_mask(payload, key, 0));
  }
  if (keys.size() == 1) grade::symptom("Every frame got the same key: take a new one per frame (RFC 6455 5.3).");
  GRADE_EXPECT_EQ("a new key for each frame", true, keys.size() == 3);
}

GRADED_TEST(Frames, ServerDoesNotMask, 1,
            "RFC 6455 5.1: \"A server MUST NOT mask any frames that it sends to the client.\"") {
  struct Case { const char* call; ws::Opcode opcode; Bytes payload; Bytes want; };
  const Case cases[] = {{"encode_frame(server, text, \"Hello\")", ws::Opcode::text, Bytes{'H', 'e', 'l', 'l', 'o'},
                         Bytes{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}},
                        {"encode_frame(server, ping, \"\", fin = true)", ws::Opcode::ping, Bytes{}, Bytes{0x89, 0x00}}};
  for (const auto& c : cases) {
    grade::step(c.call);
    Bytes got = ws::encode_frame(ws::Role::server, c.opcode, c.payload);
    if (got.size() > 1 && (got[1] & 0x80) != 0) {
      // A masked frame carries a fresh random key: compare byte 1 alone, so the transcript is the same every run.
      grade::symptom("Your server frame has the MASK bit set (byte 1 = " + lab2::describe(lab2::SecondByte{got[1]}) +
                     "): only a client masks; a server sends its payload as it is (RFC 6455 5.1).");
      GRADE_EXPECT_EQ("byte 1", lab2::SecondByte{c.want[1]}, lab2::SecondByte{got[1]});
    } else {
      GRADE_EXPECT_EQ("frame", c.want, got);
    }
  }
}

GRADED_TEST(Frames, LongAndFragmented, 2,
            "encode_frame: the header from encode_frame_header (16- or 64-bit length forms), fin as given, "
            "then the payload (masked by a client) right after the header and key.") {
  Bytes payload = random_bytes(70000);
  grade::step("encode_frame(client, binary, 70000 random bytes, fin = false)");
  Bytes got = ws::encode_frame(ws::Role::client, ws::Opcode::binary, payload, false);
  GRADE_ASSERT_EQ("frame length (10 header + 4 key + 70000)", std::size_t{70014}, got.size());
  GRADE_EXPECT_EQ("header", (Bytes{0x02, 0xff, 0, 0, 0, 0, 0, 1, 0x11, 0x70}), Bytes(got.begin(), got.begin() + 10));
  Key key = {got[10], got[11], got[12], got[13]};
  GRADE_EXPECT_EQ("payload, unmasked", payload, reference_mask(Bytes(got.begin() + 14, got.end()), key, 0));
}

GRADED_TEST(Rules, WhoMasks, 2,
            "RFC 6455 5.1: a server MUST close the connection on an unmasked client frame; a client MUST close "
            "it on a masked server frame. Anything else is fine (\"\").") {
  ws::FrameHeader plain, masked;
  masked.masked = true;
  masked.masking_key = {1, 2, 3, 4};
  grade::step("check_masking(server, a masked frame)");
  GRADE_EXPECT_EQ("check_masking", std::string(), ws::check_masking(ws::Role::server, masked));
  grade::step("check_masking(client, an unmasked frame)");
  GRADE_EXPECT_EQ("check_masking", std::string(), ws::check_masking(ws::Role::client, plain));
  grade::step("check_masking(server, an unmasked frame)");
  std::string e = ws::check_masking(ws::Role::server, plain);
  if (e.empty()) {
    grade::symptom("Your check_masking let a server take an unmasked client frame: a server MUST fail the "
                   "connection on one (RFC 6455 5.1), so return the rule it breaks.");
  }
  GRADE_EXPECT_EQ("an error naming RFC 6455 5.1", true, e.find("5.1") != std::string::npos);
  grade::step("check_masking(client, a masked frame)");
  e = ws::check_masking(ws::Role::client, masked);
  GRADE_EXPECT_EQ("an error naming RFC 6455 5.1", true, e.find("5.1") != std::string::npos);
}

GRADED_TEST(Rules, UnmaskFrame, 1,
            "unmask_frame: XOR the payload with the frame's key (apply_mask), then mark the frame unmasked "
            "(masked = false, key zero); an unmasked frame stays as it is.") {
  ws::Frame f;
  f.header.masked = true;
  f.header.payload_len = 5;
  f.header.masking_key = {0x37, 0xfa, 0x21, 0x3d};
  f.payload = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
  grade::step("unmask_frame(RFC 6455 5.7's masked \"Hello\")");
  ws::unmask_frame(f);
  GRADE_EXPECT_EQ("payload", (Bytes{'H', 'e', 'l', 'l', 'o'}), f.payload);
  GRADE_EXPECT_EQ("header.masked", false, f.header.masked);
  GRADE_EXPECT_EQ("header.masking_key", (Bytes{0, 0, 0, 0}), Bytes(f.header.masking_key.begin(), f.header.masking_key.end()));
  grade::step("unmask_frame(an unmasked frame)");
  ws::unmask_frame(f);
  GRADE_EXPECT_EQ("payload", (Bytes{'H', 'e', 'l', 'l', 'o'}), f.payload);
}
