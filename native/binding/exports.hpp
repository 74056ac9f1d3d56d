#pragma once
// One Init function per binding file; addon.cpp calls each.
#include <napi.h>

namespace cartridge::binding {
void InitBuildInfo(Napi::Env env, Napi::Object exports);
void InitGame(Napi::Env env, Napi::Object exports);
void InitSolver(Napi::Env env, Napi::Object exports);
void InitArena(Napi::Env env, Napi::Object exports);
void InitSearcher(Napi::Env env, Napi::Object exports);
}  // namespace cartridge::binding
