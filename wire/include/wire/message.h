// Message reassembly (RFC 6455 5.4 fragmentation, 5.5 control frames, 5.6
// data frames, 8.1 UTF-8, 7.4.1 close codes). Feed decoded frames in order
// (header + unmasked payload); whole messages and control frames come out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/utf8.h"

namespace wire {

struct Message {
  Opcode opcode = Opcode::text;   // text or binary, or the control frame's opcode
  Bytes payload;                  // unmasked, all fragments joined
  bool compressed = false;        // rsv1 on the first frame (RFC 7692 6): inflate, then check UTF-8 yourself
  std::size_t frames = 1;         // how many frames carried it
};

enum class MessageError : std::uint8_t {
  continuation_without_start,   // 5.4: a continuation frame with no fragmented message open -> 1002
  data_inside_fragmented,       // 5.4: a new text/binary frame while a fragmented message is open -> 1002
  invalid_utf8,                 // 8.1: a text message that is not UTF-8 -> 1007
  too_big,                      // 7.4.1: a message over the size limit -> 1009
  bad_close_payload,            // 5.5.1 / 7.4: 1-byte payload or invalid code (1002), bad reason (1007)
};

struct MessageLimits {
  std::size_t max_message_size = 16 * 1024 * 1024;   // payload bytes of one message, all fragments
  bool check_utf8 = true;                             // text messages (uncompressed) and close reasons
};

class MessageAssembler {
 public:
  enum class Kind : std::uint8_t { need_more, message, control, error };
  struct Output {
    Kind kind = Kind::need_more;
    Message message;                       // message or control
    std::optional<ClosePayload> close;     // control frame that is a valid close
    std::optional<MessageError> error_kind;
    Error error;                           // error: rule, reason, offset (within the message payload)
    std::uint16_t close_code = 0;          // error: the code to close with
  };

  explicit MessageAssembler(MessageLimits limits = {});
  // One whole frame, in order. Control frames may arrive between fragments
  // (5.4) and come out at once without disturbing the open message. After an
  // error every later feed returns the same error until reset().
  Output feed(const FrameHeader& header, std::span<const std::uint8_t> payload);
  void reset();

  bool in_message() const { return open_.has_value(); }   // a fragmented message is open

 private:
  Output fail(MessageError e, std::size_t offset, const std::string& detail = {});
  MessageLimits limits_;
  std::optional<Message> open_;
  Utf8Validator utf8_;
  std::optional<Output> failed_;
};

const char* message_error_name(MessageError e);

// 5.4 on frame headers alone, for a decoder that does not reassemble
// payloads: whether a data frame fits the fragments seen before it (`open`:
// a fragmented message is open; updated). Control frames always fit.
// Returns continuation_without_start or data_inside_fragmented.
std::optional<MessageError> check_fragment_order(bool& open, Opcode opcode, bool fin);
// The rule and reason of those two 5.4 errors (both close with 1002).
Error fragmentation_error(MessageError e, std::size_t offset);

}  // namespace wire
