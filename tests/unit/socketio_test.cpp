// Socket.IO 5: the packets inside Engine.IO's message packets.
#include <gtest/gtest.h>

#include "wire/socketio.h"
#include "wire_test_support.h"

namespace wire::socketio {
namespace {

using test::escape_bytes;

TEST(SocketIoPacket, ConnectToTheMainNamespace) {
  const auto p = parse_packet("0");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(packet_type_name(p->type), "CONNECT");
  EXPECT_EQ(p->nsp, "/");
  EXPECT_EQ(p->data, "");
  EXPECT_EQ(describe(*p), "CONNECT");
}

TEST(SocketIoPacket, TheServersConnectAnswerCarriesASid) {
  const auto p = parse_packet(R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(p->data, R"({"sid":"wZX3oN0bSVIhsaknAAAI"})");
  EXPECT_EQ(describe(*p), "CONNECT") << "the sid is a credential: never in the description";
}

TEST(SocketIoPacket, AnEventNamesItselfFirst) {
  const auto p = parse_packet(R"(2["chat message","hello there"])");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(packet_type_name(p->type), "EVENT");
  EXPECT_EQ(p->event, "chat message");
  EXPECT_FALSE(p->ack_id.has_value());
  EXPECT_EQ(describe(*p), "EVENT \"chat message\" (1 argument)") << "never the chat's text";
}

TEST(SocketIoPacket, NamespaceAndAckId) {
  const auto p = parse_packet(R"(2/admin,12["kick","a","b"])");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(p->nsp, "/admin");
  ASSERT_TRUE(p->ack_id.has_value());
  EXPECT_EQ(*p->ack_id, 12u);
  EXPECT_EQ(p->event, "kick");
  EXPECT_EQ(describe(*p), "EVENT \"kick\" (2 arguments) /admin, ack 12");

  const auto ack = parse_packet(R"(3/admin,12["ok"])");
  ASSERT_TRUE(ack.ok()) << ack.error().reason;
  EXPECT_EQ(describe(*ack), "ACK 12 /admin");
}

TEST(SocketIoPacket, BinaryEventCountsItsAttachments) {
  const auto p = parse_packet(R"(51-["upload",{"_placeholder":true,"num":0}])");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(packet_type_name(p->type), "BINARY_EVENT");
  EXPECT_EQ(p->attachments, 1u);
  EXPECT_EQ(p->event, "upload");
  EXPECT_EQ(describe(*p), "BINARY_EVENT \"upload\" (1 argument) + 1 binary");
}

TEST(SocketIoPacket, NamespaceWithoutPayload) {
  const auto p = parse_packet("1/admin,");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  EXPECT_EQ(packet_type_name(p->type), "DISCONNECT");
  EXPECT_EQ(p->nsp, "/admin");
  EXPECT_EQ(describe(*p), "DISCONNECT /admin");
}

TEST(SocketIoPacket, RejectsWhatItCannotRead) {
  struct Case {
    std::string_view text;
    std::string_view why;
  };
  const Case cases[] = {{"", "no type"},
                        {"7", "type out of range"},
                        {"2", "an EVENT without its array"},
                        {"2{\"a\":1}", "an EVENT whose payload is not an array"},
                        {"2[1,2]", "an EVENT whose first element is not a name"},
                        {"2[\"x\"", "payload that is not JSON"},
                        {"5[\"x\"]", "a BINARY_EVENT without its attachment count"},
                        {"2123456789012345678901[\"x\"]", "an ack id past 64 bits"}};
  for (const auto& c : cases) {
    const auto p = parse_packet(c.text);
    ASSERT_FALSE(p.ok()) << "expected an error for " << escape_bytes(c.text) << " (" << c.why << ")";
    EXPECT_EQ(p.error().rule, "Socket.IO 5");
  }
}

}  // namespace
}  // namespace wire::socketio
