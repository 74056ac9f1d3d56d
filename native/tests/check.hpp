#pragma once
// A minimal test registry for the native test binary (cartridge_native_tests),
// which CI runs under AddressSanitizer + UBSan. TEST(name) { CHECK(cond); ... }
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace cartridge::test {

struct TestCase {
  const char* name;
  std::function<void()> body;
};

std::vector<TestCase>& registry();
void record_failure(const char* file, int line, const std::string& message);

struct Registrar {
  Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

}  // namespace cartridge::test

#define CARTRIDGE_CONCAT2(a, b) a##b
#define CARTRIDGE_CONCAT(a, b) CARTRIDGE_CONCAT2(a, b)
#define TEST(name)                                                                                 \
  static void name();                                                                              \
  static const ::cartridge::test::Registrar CARTRIDGE_CONCAT(registrar_, name){#name, &name}; \
  static void name()
#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) ::cartridge::test::record_failure(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)
#define CHECK_EQ(a, b)                                                                          \
  do {                                                                                          \
    const auto va_ = (a);                                                                       \
    const auto vb_ = (b);                                                                       \
    if (!(va_ == vb_))                                                                          \
      ::cartridge::test::record_failure(__FILE__, __LINE__,                                     \
                                        std::string("CHECK_EQ(" #a ", " #b "): ") +             \
                                            std::to_string(va_) + " != " + std::to_string(vb_)); \
  } while (0)
