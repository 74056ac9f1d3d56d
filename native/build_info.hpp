#pragma once
// What the native library was built as; exported to TypeScript so a user can
// tell a sanitizer build from a release build.
namespace cartridge {
struct BuildInfo {
  const char* version;
  const char* build_type;
  const char* compiler;
  bool sanitized;
  int cxx_standard;
};
BuildInfo build_info();
}  // namespace cartridge
