#pragma once
// Shared by the arena and searcher bindings: reading the options object (each bad value is a
// TypeError/RangeError naming the key) and checking typed-array arguments.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mcts/search_params.hpp"
#include "mcts/stats.hpp"

namespace cartridge::binding::search {

inline Napi::Value OptionValue(const Napi::Object& options, const char* key) { return options.Get(key); }

inline double NumberOption(const Napi::Object& options, const char* key, double fallback, double min, double max) {
  const Napi::Value v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(options.Env(), std::string("options.") + key + " must be a number");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < min || d > max) {
    throw Napi::RangeError::New(options.Env(), std::string("options.") + key + " must be in [" + std::to_string(min) +
                                                   ", " + std::to_string(max) + "], got " + std::to_string(d));
  }
  return d;
}

inline int64_t IntOption(const Napi::Object& options, const char* key, int64_t fallback, int64_t min, int64_t max) {
  const Napi::Value v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(options.Env(), std::string("options.") + key + " must be an integer");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != std::floor(d) || d < double(min) || d > double(max)) {
    throw Napi::RangeError::New(options.Env(), std::string("options.") + key + " must be an integer in [" +
                                                   std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return int64_t(d);
}

// A seed: a non-negative safe integer or a BigInt (taken modulo 2^64).
inline uint64_t SeedOption(const Napi::Object& options, const char* key) {
  const Napi::Value v = options.Get(key);
  if (v.IsUndefined()) return 0;
  if (v.IsBigInt()) {
    bool lossless = false;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  return uint64_t(IntOption(options, key, 0, 0, 9007199254740991LL));
}

inline std::string EnvIdOption(const Napi::Object& options) {
  const Napi::Value v = options.Get("envId");
  if (!v.IsString()) throw Napi::TypeError::New(options.Env(), "options.envId must be a string (e.g. \"connect4\")");
  return v.As<Napi::String>().Utf8Value();
}

inline Napi::Object OptionsArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
  return info[0].As<Napi::Object>();
}

// The search parameters common to the arena and the searcher.
inline mcts::SearchParams ParamsFrom(const Napi::Object& o) {
  mcts::SearchParams p;
  p.simulations = int(IntOption(o, "simulations", p.simulations, 1, 1 << 20));
  p.c_puct = float(NumberOption(o, "cPuct", p.c_puct, 0.0, 1e6));
  p.fpu_reduction = float(NumberOption(o, "fpuReduction", p.fpu_reduction, -2.0, 2.0));
  p.dirichlet_alpha = float(NumberOption(o, "dirichletAlpha", p.dirichlet_alpha, 0.0, 1e3));
  p.dirichlet_epsilon = float(NumberOption(o, "dirichletEpsilon", p.dirichlet_epsilon, 0.0, 1.0));
  p.temperature_moves = int(IntOption(o, "temperatureMoves", p.temperature_moves, 0, 1 << 20));
  p.temperature = float(NumberOption(o, "temperature", p.temperature, 0.0, 1e3));
  p.cache_entries = std::size_t(IntOption(o, "cacheSize", 0, 0, int64_t(1) << 26));
  p.seed = SeedOption(o, "seed");
  return p;
}

// A Float32Array argument with at least `min_length` elements.
inline float* FloatsArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t min_length) {
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array a = info[index].As<Napi::Float32Array>();
  if (a.ElementLength() < min_length) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must hold at least " + std::to_string(min_length) +
                                                " floats, got " + std::to_string(a.ElementLength()));
  }
  return a.Data();
}

inline bool IsNullish(const Napi::CallbackInfo& info, size_t index) {
  return info.Length() <= index || info[index].IsNull() || info[index].IsUndefined();
}

// step()'s arguments, shared by the arena and the searcher: the network outputs for the
// `pending` leaves of the last batch (both required when any are waiting), and the buffer
// the next batch's observations are written to.
struct StepArgs {
  const float* logits = nullptr;
  const float* values = nullptr;
  float* observations = nullptr;
};

inline StepArgs StepArgsFrom(const Napi::CallbackInfo& info, int pending, int num_actions, int max_batch,
                             int obs_size) {
  StepArgs args;
  if (pending > 0) {
    if (IsNullish(info, 0) || IsNullish(info, 1)) {
      throw Napi::TypeError::New(info.Env(), "policyLogits and values are required: " + std::to_string(pending) +
                                                 " leaves are waiting for their network outputs");
    }
    args.logits = FloatsArg(info, 0, "policyLogits", size_t(pending) * size_t(num_actions));
    args.values = FloatsArg(info, 1, "values", size_t(pending));
  }
  args.observations = FloatsArg(info, 2, "observationsOut", size_t(max_batch) * size_t(obs_size));
  return args;
}

// A new JS typed array holding a copy of `v`.
template <class T, class Array>
Array CopyOut(Napi::Env env, const std::vector<T>& v) {
  Array a = Array::New(env, v.size());
  if (!v.empty()) std::memcpy(a.Data(), v.data(), v.size() * sizeof(T));
  return a;
}

inline Napi::Object StatsObject(Napi::Env env, const mcts::SearchStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("simulations", double(s.simulations));
  o.Set("networkEvaluations", double(s.network_evaluations));
  o.Set("cacheHits", double(s.cache_hits));
  o.Set("cacheLookups", double(s.cache_lookups));
  o.Set("cacheHitRate", s.cache_lookups == 0 ? 0.0 : double(s.cache_hits) / double(s.cache_lookups));
  o.Set("terminalHits", double(s.terminal_hits));
  o.Set("batchSteps", double(s.batch_steps));
  o.Set("averageBatchFill", s.batch_steps == 0 ? 0.0 : double(s.batch_leaves) / double(s.batch_steps));
  o.Set("moves", double(s.moves));
  o.Set("episodes", double(s.episodes));
  o.Set("treeNodes", double(s.tree_nodes));
  o.Set("treeTimeMs", double(s.tree_time_ns) / 1e6);
  return o;
}

}  // namespace cartridge::binding::search
