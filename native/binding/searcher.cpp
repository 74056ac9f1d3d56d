// JavaScript class `Searcher`: single-game search for play and evaluation (batches of up to
// maxBatch leaves from one tree with virtual loss; no root noise).
//   new Searcher({envId, simulations, maxBatch?, cPuct?, fpuReduction?, cacheSize?, seed?})
//   setRoot(moves: Int32Array | number[])   position = these actions from the start
//   setRootState(bytes: Uint8Array)         position = a game value's bytes (validated)
//   advance(action)                         play at the root, keeping the subtree (tree reuse)
//   begin(simulations?)                     arm a search
//   step(logits | null, values | null, observationsOut): number   0 = search complete
//   result(temperature = 0): {visits: Int32Array, policy: Float32Array, value, action}
//   stats(), obsSize, numActions, maxBatch, toMove, isTerminal
#include <napi.h>

#include <cstring>
#include <memory>
#include <vector>

#include "binding/exports.hpp"
#include "binding/search_options.hpp"
#include "games/registry.hpp"
#include "mcts/searcher.hpp"

namespace cartridge::binding {
namespace {

using mcts::SearchParams;
using mcts::SearchStats;

struct SearchResult {
  std::vector<int32_t> visits;
  std::vector<float> policy;
  float value = 0.0f;
  int action = -1;
};

class AnySearcher {
 public:
  virtual ~AnySearcher() = default;
  // Returns an error message, or empty on success.
  virtual std::string set_root_moves(const std::vector<int>& moves) = 0;
  virtual std::string set_root_bytes(const uint8_t* bytes, size_t size) = 0;
  virtual std::string advance(int action) = 0;
  virtual void begin(int simulations) = 0;
  virtual int step(const float* logits, const float* values, float* obs) = 0;
  virtual int pending() const = 0;
  virtual int max_batch() const = 0;
  virtual int to_move() const = 0;
  virtual bool is_terminal() const = 0;
  virtual SearchResult result(float temperature) = 0;
  virtual SearchStats stats() const = 0;
  int obs_size = 0;
  int num_actions = 0;
};

template <Game G>
class SearcherOf final : public AnySearcher {
 public:
  SearcherOf(const SearchParams& p, int max_batch) : s_(p, max_batch) {
    obs_size = G::kInfo.obs_size;
    num_actions = G::kInfo.num_actions;
    s_.set_root(G{});
  }
  std::string set_root_moves(const std::vector<int>& moves) override {
    G g;
    for (size_t i = 0; i < moves.size(); ++i) {
      const int m = moves[i];
      if (m < 0 || m >= G::kInfo.num_actions || !g.legal_actions().test(m)) {
        return "moves[" + std::to_string(i) + "] = " + std::to_string(m) + " is not legal there";
      }
      g.play(m);
    }
    s_.set_root(g);
    pending_ = 0;
    return {};
  }
  std::string set_root_bytes(const uint8_t* bytes, size_t size) override {
    if (size != sizeof(G)) {
      return "state must be " + std::to_string(sizeof(G)) + " bytes for " + G::kInfo.env_id + ", got " +
             std::to_string(size);
    }
    G g;
    std::memcpy(static_cast<void*>(&g), bytes, sizeof(G));
    if constexpr (requires(const G& x) { x.valid(); }) {
      if (!g.valid()) return std::string("state is not a valid ") + G::kInfo.env_id + " position";
    }
    s_.set_root(g);
    pending_ = 0;
    return {};
  }
  std::string advance(int action) override {
    if (action < 0 || action >= G::kInfo.num_actions || !s_.root_state().legal_actions().test(action)) {
      return "action " + std::to_string(action) + " is not legal at the root";
    }
    s_.advance(action);
    pending_ = 0;
    return {};
  }
  void begin(int simulations) override {
    s_.begin(simulations);
    pending_ = 0;
  }
  int step(const float* l, const float* v, float* o) override { return pending_ = s_.step(l, v, o); }
  int pending() const override { return pending_; }
  int max_batch() const override { return s_.max_batch(); }
  int to_move() const override { return s_.root_state().to_move(); }
  bool is_terminal() const override { return s_.root_state().is_terminal(); }
  SearchResult result(float temperature) override {
    SearchResult r;
    r.visits.resize(size_t(num_actions));
    r.policy.resize(size_t(num_actions));
    s_.visits(r.visits.data());
    s_.policy(r.policy.data());
    r.value = s_.value();
    r.action = s_.root_state().is_terminal() ? -1 : s_.choose(temperature);
    return r;
  }
  SearchStats stats() const override { return s_.stats(); }

 private:
  mcts::Searcher<G> s_;
  int pending_ = 0;
};

class SearcherObject : public Napi::ObjectWrap<SearcherObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Searcher",
                       {
                           InstanceMethod<&SearcherObject::SetRoot>("setRoot"),
                           InstanceMethod<&SearcherObject::SetRootState>("setRootState"),
                           InstanceMethod<&SearcherObject::Advance>("advance"),
                           InstanceMethod<&SearcherObject::Begin>("begin"),
                           InstanceMethod<&SearcherObject::Step>("step"),
                           InstanceMethod<&SearcherObject::Result>("result"),
                           InstanceMethod<&SearcherObject::Stats>("stats"),
                           InstanceAccessor<&SearcherObject::ObsSize>("obsSize"),
                           InstanceAccessor<&SearcherObject::NumActions>("numActions"),
                           InstanceAccessor<&SearcherObject::MaxBatch>("maxBatch"),
                           InstanceAccessor<&SearcherObject::ToMove>("toMove"),
                           InstanceAccessor<&SearcherObject::IsTerminal>("isTerminal"),
                       });
  }

  explicit SearcherObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SearcherObject>(info) {
    const Napi::Object o = search::OptionsArg(info);
    const std::string env_id = search::EnvIdOption(o);
    SearchParams params = search::ParamsFrom(o);
    params.dirichlet_epsilon = 0.0f;  // play and evaluation search without noise
    const int max_batch = int(search::IntOption(o, "maxBatch", 8, 1, 4096));
    const bool known = visit_game(env_id, [&]<class G>() { s_ = std::make_unique<SearcherOf<G>>(params, max_batch); });
    if (!known) throw Napi::RangeError::New(info.Env(), "options.envId: unknown game \"" + env_id + "\"");
  }

 private:
  void Check(Napi::Env env, const std::string& error) {
    if (!error.empty()) throw Napi::RangeError::New(env, error);
  }

  Napi::Value SetRoot(const Napi::CallbackInfo& info) {
    std::vector<int> moves;
    if (info.Length() >= 1 && info[0].IsTypedArray() &&
        info[0].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
      Napi::Int32Array a = info[0].As<Napi::Int32Array>();
      moves.assign(a.Data(), a.Data() + a.ElementLength());
    } else if (info.Length() >= 1 && info[0].IsArray()) {
      Napi::Array a = info[0].As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); ++i) {
        const Napi::Value v = a.Get(i);
        if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "moves must be an Int32Array or an array of integers");
        moves.push_back(v.As<Napi::Number>().Int32Value());
      }
    } else {
      throw Napi::TypeError::New(info.Env(), "moves must be an Int32Array or an array of integers");
    }
    Check(info.Env(), s_->set_root_moves(moves));
    return info.Env().Undefined();
  }

  Napi::Value SetRootState(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(info.Env(), "state must be a Uint8Array");
    }
    Napi::Uint8Array a = info[0].As<Napi::Uint8Array>();
    Check(info.Env(), s_->set_root_bytes(a.Data(), a.ElementLength()));
    return info.Env().Undefined();
  }

  Napi::Value Advance(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "action must be an integer");
    Check(info.Env(), s_->advance(info[0].As<Napi::Number>().Int32Value()));
    return info.Env().Undefined();
  }

  Napi::Value Begin(const Napi::CallbackInfo& info) {
    int sims = 0;
    if (!search::IsNullish(info, 0)) {
      if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "simulations must be a positive integer");
      const double d = info[0].As<Napi::Number>().DoubleValue();
      if (d != double(int(d)) || d < 1) throw Napi::RangeError::New(info.Env(), "simulations must be a positive integer");
      sims = int(d);
    }
    s_->begin(sims);
    return info.Env().Undefined();
  }

  Napi::Value Step(const Napi::CallbackInfo& info) {
    AnySearcher& s = *s_;
    const search::StepArgs args = search::StepArgsFrom(info, s.pending(), s.num_actions, s.max_batch(), s.obs_size);
    return Napi::Number::New(info.Env(), s.step(args.logits, args.values, args.observations));
  }

  Napi::Value Result(const Napi::CallbackInfo& info) {
    double temperature = 0.0;
    if (!search::IsNullish(info, 0)) {
      if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "temperature must be a number >= 0");
      temperature = info[0].As<Napi::Number>().DoubleValue();
      if (!(temperature >= 0.0)) throw Napi::RangeError::New(info.Env(), "temperature must be a number >= 0");
    }
    const SearchResult r = s_->result(float(temperature));
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("visits", search::CopyOut<int32_t, Napi::Int32Array>(env, r.visits));
    out.Set("policy", search::CopyOut<float, Napi::Float32Array>(env, r.policy));
    out.Set("value", r.value);
    out.Set("action", r.action);
    return out;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) { return search::StatsObject(info.Env(), s_->stats()); }
  Napi::Value ObsSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_->obs_size); }
  Napi::Value NumActions(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_->num_actions); }
  Napi::Value MaxBatch(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_->max_batch()); }
  Napi::Value ToMove(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), s_->to_move()); }
  Napi::Value IsTerminal(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->is_terminal()); }

  std::unique_ptr<AnySearcher> s_;
};

}  // namespace

void InitSearcher(Napi::Env env, Napi::Object exports) { exports.Set("Searcher", SearcherObject::Define(env)); }

}  // namespace cartridge::binding
