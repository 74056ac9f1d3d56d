// Runs every registered native test, or those whose name contains argv[1].
#include <chrono>
#include <cstring>

#include "tests/check.hpp"

namespace cartridge::test {
namespace {
int failures_in_current = 0;
}

std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

void record_failure(const char* file, int line, const std::string& message) {
  ++failures_in_current;
  std::fprintf(stderr, "    %s:%d: %s\n", file, line, message.c_str());
}
}  // namespace cartridge::test

int main(int argc, char** argv) {
  using namespace cartridge::test;
  int passed = 0, failed = 0;
  for (const TestCase& t : registry()) {
    if (argc > 1 && std::strstr(t.name, argv[1]) == nullptr) continue;
    failures_in_current = 0;
    const auto start = std::chrono::steady_clock::now();
    t.body();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s %s (%.1f ms)\n", failures_in_current == 0 ? "ok  " : "FAIL", t.name, ms);
    (failures_in_current == 0 ? passed : failed)++;
  }
  std::printf("native: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
