// ChatFields through nlohmann's SAX parser (see chat_fields.h). A DOM per
// chat message cost about 15% of Model::add, mostly allocations.
#include "model/chat_fields.h"

#include <nlohmann/json.hpp>

namespace viz {
namespace {

using Json = nlohmann::json;

// The SAX handler: records are the top-level object (object mode) or the
// objects directly inside the top-level array (array mode).
class ChatFieldReader {
 public:
  explicit ChatFieldReader(bool array) : record_depth_(array ? 2 : 1), want_array_(array) {}

  std::vector<ChatFields> records;
  bool failed = false;
  bool top_is_array = false;

  bool null() { return value(nullptr); }
  bool boolean(bool) { return value(nullptr); }
  bool number_integer(Json::number_integer_t) { return value(nullptr); }
  bool number_unsigned(Json::number_unsigned_t) { return value(nullptr); }
  bool number_float(Json::number_float_t, const Json::string_t&) { return value(nullptr); }
  bool string(Json::string_t& s) { return value(&s); }
  bool binary(Json::binary_t&) { return value(nullptr); }
  bool start_object(std::size_t) {
    value(nullptr);
    if (++depth_ == 1) top_is_array = false;
    if (at_record()) records.emplace_back();
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    value(nullptr);
    if (++depth_ == 1) top_is_array = true;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool key(Json::string_t& k) {
    pending_ = nullptr;
    if (!at_record()) return true;   // a key of a nested object
    if (k == "type") pending_ = &ChatFields::type;
    else if (k == "you") pending_ = &ChatFields::you;
    else if (k == "from") pending_ = &ChatFields::from;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    failed = true;
    return false;
  }

 private:
  // Inside a record, not in something nested in it. Keys only occur in objects,
  // so at this depth they are the record's own.
  bool at_record() const { return depth_ == record_depth_ && top_is_array == want_array_; }

  // A value starts: if it belongs to a wanted key of the current record, it is that field.
  bool value(const Json::string_t* s) {
    if (pending_ != nullptr && at_record()) {
      std::string& field = records.back().*pending_;
      if (s != nullptr) field.assign(*s);
      else field.clear();
    }
    pending_ = nullptr;
    return true;
  }

  int depth_ = 0;
  const int record_depth_;
  const bool want_array_;
  std::string ChatFields::*pending_ = nullptr;
};

bool read_chat_fields(std::span<const std::uint8_t> bytes, ChatFieldReader& reader) {
  const auto* p = reinterpret_cast<const char*>(bytes.data());
  return Json::sax_parse(p, p + bytes.size(), &reader) && !reader.failed;
}

}  // namespace

ChatFields chat_fields(std::span<const std::uint8_t> bytes) {
  ChatFieldReader reader(false);
  if (!read_chat_fields(bytes, reader) || reader.top_is_array || reader.records.empty()) return {};
  return std::move(reader.records.front());
}

std::optional<std::vector<ChatFields>> chat_fields_of_array(std::span<const std::uint8_t> bytes) {
  ChatFieldReader reader(true);
  if (!read_chat_fields(bytes, reader) || !reader.top_is_array) return std::nullopt;
  return std::move(reader.records);
}


}  // namespace viz
