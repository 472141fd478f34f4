//! Rollup configs against real files: registry TOMLs, kona's registry dump and the executor
//! fixtures' `rollup_config` objects (vectors README §1 and §7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::{Address, B256, address, b256};
use keel_core::config::{ChainOpConfig, ConfigError, Fork, NETWORK_NAMES, RollupConfig};
use keel_tests::read_vector;
use serde_json::Value;

fn text(rel: &str) -> String {
    String::from_utf8(read_vector(rel)).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"))
}

/// The registry TOML files of each built-in that has them, with their superchain TOML.
const REGISTRY_FILES: [(&str, &str, &str); 4] = [
    ("op-mainnet", "configs/op-mainnet.toml", "configs/superchain-mainnet.toml"),
    ("op-sepolia", "configs/op-sepolia.toml", "configs/superchain-sepolia.toml"),
    ("base-mainnet", "configs/base-mainnet.toml", "configs/superchain-mainnet.toml"),
    ("base-sepolia", "configs/base-sepolia.toml", "configs/superchain-sepolia.toml"),
];

fn load_toml(chain: &str, superchain: &str) -> RollupConfig {
    RollupConfig::from_superchain_toml(&text(chain), Some(&text(superchain)))
        .unwrap_or_else(|e| panic!("{chain}: {e}"))
}

fn builtin(name: &str) -> RollupConfig {
    RollupConfig::by_name(name).unwrap_or_else(|| panic!("no built-in {name}"))
}

/// Compares two configs field by field so a mismatch names the field.
fn assert_same(ctx: &str, got: &RollupConfig, want: &RollupConfig) {
    macro_rules! same {
        ($($field:tt)+) => {
            assert_eq!(got.$($field)+, want.$($field)+, "{ctx}: {}", stringify!($($field)+));
        };
    }
    same!(genesis.l1);
    same!(genesis.l2);
    same!(genesis.l2_time);
    same!(genesis.system_config.batcher_address);
    same!(genesis.system_config.overhead);
    same!(genesis.system_config.scalar);
    same!(genesis.system_config.gas_limit);
    same!(genesis.system_config);
    same!(block_time);
    same!(max_sequencer_drift);
    same!(seq_window_size);
    same!(channel_timeout);
    same!(l1_chain_id);
    same!(l2_chain_id);
    for fork in Fork::ALL {
        assert_eq!(got.fork_time(fork), want.fork_time(fork), "{ctx}: {}_time", fork.name());
    }
    same!(batch_inbox_address);
    same!(deposit_contract_address);
    same!(l1_system_config_address);
    same!(protocol_versions_address);
    same!(chain_op_config);
    assert_eq!(got, want, "{ctx}: whole config");
}

#[test]
fn network_names_and_lookups() {
    assert_eq!(
        NETWORK_NAMES,
        [
            "op-mainnet",
            "op-sepolia",
            "base-mainnet",
            "base-sepolia",
            "unichain-mainnet",
            "unichain-sepolia"
        ]
    );
    for (name, id) in [
        ("op-mainnet", 10),
        ("op-sepolia", 11_155_420),
        ("base-mainnet", 8453),
        ("base-sepolia", 84_532),
        ("unichain-mainnet", 130),
        ("unichain-sepolia", 1301),
    ] {
        let c = builtin(name);
        assert_eq!(c.l2_chain_id, id);
        assert_eq!(RollupConfig::by_chain_id(id), Some(c));
    }
    assert_eq!(
        RollupConfig::from_network_name("op-goerli"),
        Err(ConfigError::UnknownNetwork("op-goerli".into()))
    );
}

/// Every built-in with registry TOMLs equals what the TOML loader makes of them. The current
/// superchain TOMLs no longer carry `protocol_versions_addr`, so that one field comes from
/// kona's dump (checked in `builtins_match_kona_registry_dump`).
#[test]
fn builtins_match_registry_tomls() {
    for (name, chain, superchain) in REGISTRY_FILES {
        let mut from_toml = load_toml(chain, superchain);
        assert_eq!(from_toml.protocol_versions_address, None, "{chain}");
        let want = builtin(name);
        from_toml.protocol_versions_address = want.protocol_versions_address;
        assert_same(chain, &from_toml, &want);
        from_toml.validate().unwrap_or_else(|e| panic!("{chain}: {e}"));
    }
}

/// README §1: the facts about the four registry chains, asserted on the TOML loader's output.
#[test]
fn registry_tomls_readme_facts() {
    struct Facts {
        l1: u64,
        l2: u64,
        l2_time: u64,
        batcher: Address,
        gas_limit: u64,
        elasticity: u64,
    }
    let facts = [
        Facts {
            l1: 17_422_590,
            l2: 105_235_063,
            l2_time: 1_686_068_903,
            batcher: address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985"),
            gas_limit: 30_000_000,
            elasticity: 6,
        },
        Facts {
            l1: 4_071_408,
            l2: 0,
            l2_time: 1_691_802_540,
            batcher: address!("8F23BB38F531600e5d8FDDaAEC41F13FaB46E98c"),
            gas_limit: 30_000_000,
            elasticity: 6,
        },
        Facts {
            l1: 17_481_768,
            l2: 0,
            l2_time: 1_686_789_347,
            batcher: address!("5050F69a9786F081509234F1a7F4684b5E5b76C9"),
            gas_limit: 30_000_000,
            elasticity: 6,
        },
        Facts {
            l1: 4_370_868,
            l2: 0,
            l2_time: 1_695_768_288,
            batcher: address!("6CDEbe940BC0F26850285cacA097C11c33103E47"),
            gas_limit: 25_000_000,
            elasticity: 10,
        },
    ];
    let mainnet_forks = [
        1_704_992_401,
        1_708_560_000,
        1_710_374_401,
        1_720_627_201,
        1_726_070_401,
        1_736_445_601,
        1_746_806_401,
        1_764_691_201,
    ];
    let sepolia_forks = [
        1_699_981_200,
        1_703_203_200,
        1_708_534_800,
        1_716_998_400,
        1_723_478_400,
        1_732_633_200,
        1_744_905_600,
        1_763_568_001,
    ];
    let forks = [
        Fork::Canyon,
        Fork::Delta,
        Fork::Ecotone,
        Fork::Fjord,
        Fork::Granite,
        Fork::Holocene,
        Fork::Isthmus,
        Fork::Jovian,
    ];
    for ((_, chain, superchain), f) in REGISTRY_FILES.into_iter().zip(facts) {
        let c = load_toml(chain, superchain);
        assert_eq!(c.genesis.l1.number, f.l1, "{chain}");
        assert_eq!(c.genesis.l2.number, f.l2, "{chain}");
        assert_eq!(c.genesis.l2_time, f.l2_time, "{chain}");
        assert_eq!(c.genesis.system_config.batcher_address, f.batcher, "{chain}");
        assert_eq!(c.genesis.system_config.gas_limit, f.gas_limit, "{chain}");
        assert_eq!(
            c.chain_op_config,
            ChainOpConfig {
                eip1559_elasticity: f.elasticity,
                eip1559_denominator: 50,
                eip1559_denominator_canyon: 250
            },
            "{chain}"
        );
        let mainnet = c.l1_chain_id == 1;
        let times = if mainnet { mainnet_forks } else { sepolia_forks };
        for (fork, t) in forks.into_iter().zip(times) {
            assert_eq!(c.fork_time(fork), Some(t), "{chain} {}", fork.name());
        }
        let pectra = if mainnet { None } else { Some(1_742_486_400) };
        assert_eq!(c.pectra_blob_schedule_time, pectra, "{chain}");
        assert_eq!(c.regolith_time, Some(0), "{chain}");
        assert_eq!(c.channel_timeout, 300, "{chain}");
        assert_eq!((c.block_time, c.seq_window_size, c.max_sequencer_drift), (2, 3600, 600));
    }
    let karst = |chain, superchain| load_toml(chain, superchain).karst_time;
    assert_eq!(
        karst("configs/op-mainnet.toml", "configs/superchain-mainnet.toml"),
        Some(1_783_526_401)
    );
    assert_eq!(
        karst("configs/op-sepolia.toml", "configs/superchain-sepolia.toml"),
        Some(1_781_712_001)
    );
    // Base's files end at Jovian; a chain's own [hardforks] is not topped up from the
    // superchain TOML (registry v2 writes every inherited time into the chain file).
    assert_eq!(karst("configs/base-mainnet.toml", "configs/superchain-mainnet.toml"), None);
    assert_eq!(karst("configs/base-sepolia.toml", "configs/superchain-sepolia.toml"), None);
    // Addresses straight from the files.
    let op = load_toml("configs/op-mainnet.toml", "configs/superchain-mainnet.toml");
    assert_eq!(op.batch_inbox_address, address!("FF00000000000000000000000000000000000010"));
    assert_eq!(op.deposit_contract_address, address!("bEb5Fc579115071764c7423A4f12eDde41f106Ed"));
    assert_eq!(op.l1_system_config_address, address!("229047fed2591dbec1eF1118d64F7aF3dB9EB290"));
    assert_eq!(op.l1_chain_id, 1);
    assert_eq!(
        op.genesis.l1.hash,
        b256!("438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108")
    );
}

/// The older `*.roles.toml` files load too: same chain, forks only through Isthmus.
#[test]
fn roles_tomls_load() {
    for (name, chain, superchain) in REGISTRY_FILES {
        let roles = chain.replace(".toml", ".roles.toml");
        let mut c = load_toml(&roles, superchain);
        assert_eq!(c.jovian_time, None, "{roles}");
        assert_eq!(c.karst_time, None, "{roles}");
        let want = builtin(name);
        c.jovian_time = want.jovian_time;
        c.karst_time = want.karst_time;
        c.protocol_versions_address = want.protocol_versions_address;
        assert_same(&roles, &c, &want);
    }
}

/// Without the superchain TOML, a known chain takes its L1 chain ID from the built-in.
#[test]
fn toml_without_superchain_uses_builtin_l1_chain_id() {
    let c = RollupConfig::from_superchain_toml(&text("configs/base-sepolia.toml"), None).unwrap();
    assert_eq!(c.l1_chain_id, 11_155_111);
    assert_eq!(c.protocol_versions_address, None);
}

fn kona_chain(dump: &Value, l2_chain_id: u64) -> (&Value, &Value) {
    let superchains = dump["superchains"].as_array().expect("superchains array");
    for s in superchains {
        for c in s["chains"].as_array().expect("chains array") {
            if c["l2_chain_id"].as_u64() == Some(l2_chain_id) {
                return (c, &s["config"]);
            }
        }
    }
    panic!("chain {l2_chain_id} not in kona-configs.json");
}

fn addr(v: &Value) -> Address {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an address: {v}"))
}

fn word(v: &Value) -> B256 {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a 32-byte hex: {v}"))
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

/// Every built-in, field by field, against kona's embedded registry dump (the only source here
/// for Unichain). kona has no `karst_time` and no Regolith/channel-timeout fields (registry
/// chains: 0 and 300).
#[test]
fn builtins_match_kona_registry_dump() {
    let dump: Value = serde_json::from_slice(&read_vector("configs/kona-configs.json")).unwrap();
    for name in NETWORK_NAMES {
        let c = builtin(name);
        let ctx = *name;
        let (k, sc) = kona_chain(&dump, c.l2_chain_id);
        let g = &k["genesis"];
        assert_eq!(c.genesis.l1.number, num(&g["l1"]["number"]), "{ctx} genesis.l1.number");
        assert_eq!(c.genesis.l1.hash, word(&g["l1"]["hash"]), "{ctx} genesis.l1.hash");
        assert_eq!(c.genesis.l2.number, num(&g["l2"]["number"]), "{ctx} genesis.l2.number");
        assert_eq!(c.genesis.l2.hash, word(&g["l2"]["hash"]), "{ctx} genesis.l2.hash");
        assert_eq!(c.genesis.l2_time, num(&g["l2_time"]), "{ctx} genesis.l2_time");
        let s = &g["system_config"];
        let sys = &c.genesis.system_config;
        assert_eq!(sys.batcher_address, addr(&s["batcherAddr"]), "{ctx} batcher");
        assert_eq!(sys.overhead, word(&s["overhead"]), "{ctx} overhead");
        assert_eq!(sys.scalar, word(&s["scalar"]), "{ctx} scalar");
        assert_eq!(sys.gas_limit, num(&s["gasLimit"]), "{ctx} gasLimit");
        for key in [
            "eip1559Denominator",
            "eip1559Elasticity",
            "operatorFeeScalar",
            "operatorFeeConstant",
            "minBaseFee",
            "daFootprintGasScalar",
        ] {
            assert!(s[key].is_null(), "{ctx} kona {key} is set");
        }
        assert!(sys.eip1559_params.is_unset(), "{ctx}");
        assert_eq!((sys.operator_fee_scalar, sys.operator_fee_constant), (0, 0), "{ctx}");
        assert_eq!((sys.min_base_fee, sys.da_footprint_gas_scalar), (0, 0), "{ctx}");

        assert_eq!(c.block_time, num(&k["block_time"]), "{ctx} block_time");
        assert_eq!(c.seq_window_size, num(&k["seq_window_size"]), "{ctx} seq_window_size");
        assert_eq!(
            c.max_sequencer_drift,
            num(&k["max_sequencer_drift"]),
            "{ctx} max_sequencer_drift"
        );
        assert_eq!(c.channel_timeout, 300, "{ctx} channel_timeout");
        assert_eq!(c.l1_chain_id, num(&sc["l1"]["chain_id"]), "{ctx} l1_chain_id");
        assert_eq!(c.batch_inbox_address, addr(&k["batch_inbox_address"]), "{ctx} inbox");
        assert_eq!(
            c.deposit_contract_address,
            addr(&k["Addresses"]["OptimismPortalProxy"]),
            "{ctx} portal"
        );
        assert_eq!(
            c.l1_system_config_address,
            addr(&k["Addresses"]["SystemConfigProxy"]),
            "{ctx} system config"
        );
        assert_eq!(
            c.protocol_versions_address,
            Some(addr(&sc["protocol_versions_addr"])),
            "{ctx} protocol versions"
        );
        let o = &k["optimism"];
        assert_eq!(
            c.chain_op_config,
            ChainOpConfig {
                eip1559_elasticity: num(&o["eip1559Elasticity"]),
                eip1559_denominator: num(&o["eip1559Denominator"]),
                eip1559_denominator_canyon: num(&o["eip1559DenominatorCanyon"]),
            },
            "{ctx} chain_op_config"
        );
        assert!(k["alt_da"].is_null(), "{ctx}");

        let h = k["hardfork_configuration"].as_object().expect("hardfork_configuration");
        for key in h.keys() {
            assert!(
                Fork::ALL.iter().any(|f| format!("{}_time", f.name()) == *key),
                "{ctx}: kona fork key {key} unknown to keel"
            );
        }
        assert_eq!(c.regolith_time, Some(0), "{ctx} regolith_time");
        for fork in Fork::ALL.into_iter().filter(|f| !matches!(f, Fork::Regolith | Fork::Karst)) {
            let key = format!("{}_time", fork.name());
            assert_eq!(c.fork_time(fork), h.get(&key).map(num), "{ctx} {key}");
        }
        assert_eq!(h.get("karst_time"), None, "kona has no karst_time");
    }
    // README §1 Unichain facts.
    let u = builtin("unichain-mainnet");
    assert_eq!((u.genesis.l2.number, u.genesis.l2_time, u.block_time), (0, 1_730_748_359, 1));
    assert_eq!(
        u.genesis.system_config.batcher_address,
        address!("2f60a5184c63ca94f82a27100643dbabe4f3f7fd")
    );
}

/// README §7: all 17 executor fixtures' `rollup_config` objects load, in all three dialects,
/// and equal the built-in config of their chain except for the fork keys the fixtures lack.
#[test]
fn executor_fixture_rollup_configs_load() {
    let dirs = [
        "op-mainnet-132795025",
        "op-mainnet-132796000",
        "op-mainnet-132796100",
        "op-mainnet-132797000",
        "op-mainnet-132798000",
        "op-mainnet-132799000",
        "unichain-10211000",
        "unichain-10215000",
        "unichain-10311000",
        "op-sepolia-26207960",
        "op-sepolia-26207961",
        "op-sepolia-26207962",
        "op-sepolia-26207963",
        "op-sepolia-26208384",
        "op-sepolia-26208858",
        "op-sepolia-26208927",
        "op-sepolia-26211680",
    ];
    let mut dialects = [0usize; 3];
    for dir in dirs {
        let fixture: Value =
            serde_json::from_slice(&read_vector(&format!("executor/{dir}/fixture.json"))).unwrap();
        let raw = &fixture["rollup_config"];
        let json = serde_json::to_string(raw).unwrap();
        let c = RollupConfig::from_json(&json).unwrap_or_else(|e| panic!("{dir}: {e}"));
        // The Deserialize impl agrees with from_json.
        let via_serde: RollupConfig = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(via_serde, c, "{dir}");

        let dialect = if raw.get("base_fee_params").is_some() {
            2
        } else if raw["genesis"]["system_config"].get("batcherAddr").is_some() {
            0
        } else {
            1
        };
        dialects[dialect] += 1;

        let name = if dir.starts_with("op-mainnet") {
            "op-mainnet"
        } else if dir.starts_with("op-sepolia") {
            "op-sepolia"
        } else {
            "unichain-mainnet"
        };
        let mut want = builtin(name);
        // The fixtures (kona output) omit Regolith and every fork after Holocene except OP
        // Sepolia's Isthmus and Pectra blob schedule.
        want.regolith_time = None;
        want.jovian_time = None;
        want.karst_time = None;
        if name != "op-sepolia" {
            want.isthmus_time = None;
            want.pectra_blob_schedule_time = None;
        }
        assert_same(dir, &c, &want);

        // Every fixture block is post-Holocene and pre-Isthmus (README §7).
        let ts_hex = fixture["executing_payload"]["timestamp"].as_str().expect("hex timestamp");
        let ts = u64::from_str_radix(ts_hex.trim_start_matches("0x"), 16).unwrap();
        assert!(c.is_holocene_active(ts) && !c.is_isthmus_active(ts), "{dir} at {ts}");
        assert_eq!(
            builtin(name).l2_block_number_at(ts),
            dir.rsplit('-').next().and_then(|n| n.parse().ok()),
            "{dir}"
        );
    }
    assert_eq!(dialects, [8, 8, 1], "op-sepolia / hex-string / base_fee_params dialect counts");
}

/// Truncating a real config anywhere yields a typed error, never a panic.
#[test]
fn truncated_real_configs_are_typed_errors() {
    let fixture: Value =
        serde_json::from_slice(&read_vector("executor/op-sepolia-26207960/fixture.json")).unwrap();
    let json = serde_json::to_string_pretty(&fixture["rollup_config"]).unwrap();
    for cut in 0..json.len() {
        assert!(
            matches!(RollupConfig::from_json(&json[..cut]), Err(ConfigError::Json(_))),
            "prefix {cut}"
        );
    }
    let full = load_toml("configs/op-mainnet.toml", "configs/superchain-mainnet.toml");
    let toml = text("configs/op-mainnet.toml");
    let superchain = text("configs/superchain-mainnet.toml");
    for cut in (0..toml.len()).filter(|&i| toml.is_char_boundary(i)) {
        // A cut that only drops trailing optional lines may still describe the same chain.
        if let Ok(c) = RollupConfig::from_superchain_toml(&toml[..cut], Some(&superchain)) {
            assert_eq!(c, full, "prefix {cut}");
        }
        let _ = RollupConfig::from_superchain_toml(
            &toml,
            Some(&superchain[..cut.min(superchain.len())]),
        );
    }
}
