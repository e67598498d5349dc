use std::collections::HashSet;

use super::*;
use crate::analyze::blast::syntax::{Definition, Reference, ReferenceKind, SymbolKind, Visibility};
use crate::analyze::lang;

const BLOB: &str = "0123456789abcdef0123456789abcdef01234567";
const SOURCE: &[u8] = b"def compute_total(items):\n    return sum(items)\n";

fn python() -> &'static Language {
    lang::by_name("python").expect("python is in the registry")
}

fn rich_outline() -> Outline {
    Outline {
        language: "python".to_string(),
        definitions: vec![Definition {
            name: "save".to_string(),
            kind: SymbolKind::Method,
            container: Some("Ledger".to_string()),
            start_line: 3,
            end_line: 9,
            signature: "def save(self, path: str) -> None".to_string(),
            visibility: Visibility::Public,
            body_hash: u64::MAX - 7,
        }],
        references: vec![
            Reference {
                name: "open".to_string(),
                line: 4,
                kind: ReferenceKind::Call,
                enclosing: Some("save".to_string()),
            },
            Reference {
                name: "open".to_string(),
                line: 300_000,
                kind: ReferenceKind::Member,
                enclosing: None,
            },
        ],
        token_hash: 0x8000_0000_0000_0001,
        error_permille: 1000,
    }
}

/// Turns a good pack's bytes into a damaged one.
type Corruption = fn(&[u8]) -> Vec<u8>;

/// A blob id for test entry number `n`.
fn blob(n: usize) -> String {
    format!("{n:040x}")
}

/// Every shape of result survives encode → decode unchanged, and decoding under another key
/// (an entry copied to the wrong blob's place) is refused.
#[test]
fn codec_round_trips_and_checks_the_key() {
    let results = [
        Ok(rich_outline()),
        Ok(Outline::default()),
        Err(Unanalysed::UnsupportedLanguage),
        Err(Unanalysed::TooLarge {
            bytes: 1 << 40,
            limit: 3,
        }),
        Err(Unanalysed::Timeout { budget_ms: 500 }),
        Err(Unanalysed::TooManyErrors { percent: 61 }),
        Err(Unanalysed::Generated {
            why: "minified ✓".to_string(),
        }),
        Err(Unanalysed::Binary),
        Err(Unanalysed::NoContent),
        Err(Unanalysed::Failed {
            message: String::new(),
        }),
    ];
    for result in results {
        let entry = codec::encode("k", &result);
        assert_eq!(codec::decode("k", &entry, Ask::Whole), Some(result));
        assert_eq!(codec::decode("other", &entry, Ask::Whole), None);
    }
}

/// Any truncation or single-byte change of an entry is detected (never a panic, never a wrong
/// outline).
#[test]
fn codec_rejects_every_truncation_and_flipped_byte() {
    let entry = codec::encode("k", &Ok(rich_outline()));
    for length in 0..entry.len() {
        assert_eq!(
            codec::decode("k", &entry[..length], Ask::Whole),
            None,
            "truncated to {length}"
        );
    }
    for index in 0..entry.len() {
        let mut bad = entry.clone();
        bad[index] ^= 0x41;
        assert_eq!(
            codec::decode("k", &bad, Ask::Whole),
            None,
            "byte {index} flipped"
        );
    }
}

/// A sieved outline keeps the references by the asked names and drops signatures, and is the
/// same whether the lookup computed it or read it back, in this run or the next.
#[test]
fn sieved_outlines_keep_the_asked_names_hit_or_miss() {
    let entry = codec::encode("k", &Ok(rich_outline()));
    let keep: HashSet<&str> = ["open", "Ledger"].into_iter().collect();
    let mut expected = rich_outline();
    expected.definitions[0].signature.clear();
    assert_eq!(
        codec::decode("k", &entry, Ask::Sieved(&keep)),
        Some(Ok(expected))
    );
    let none = HashSet::new();
    let Some(Ok(bare)) = codec::decode("k", &entry, Ask::Sieved(&none)) else {
        panic!("decodes");
    };
    assert!(bare.references.is_empty());
    assert!(
        bare.definitions.is_empty(),
        "no use kept, no definition asked"
    );
    // Many names asked are looked up by hash rather than compared one by one: same result.
    let many: HashSet<&str> = ["open", "Ledger", "a", "b", "c", "d", "e", "f", "g", "h"]
        .into_iter()
        .collect();
    assert_eq!(
        codec::decode("k", &entry, Ask::Sieved(&many)),
        codec::decode("k", &entry, Ask::Sieved(&keep))
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let budget = Budget::default();
    let keep: HashSet<&str> = ["sum"].into_iter().collect();
    let sieved = |cache: &Cache| {
        cache.outline_sieved(BLOB, python(), || Some(SOURCE.to_vec()), &budget, &keep)
    };
    let cache = Cache::open(dir.path());
    let (computed, origin) = sieved(&cache);
    assert_eq!(origin, Lookup::Computed);
    let computed = computed.expect("outlined");
    assert!(!computed.references.is_empty());
    assert!(computed.references.iter().all(|r| r.name == "sum"));
    assert!(computed.definitions.iter().all(|d| d.signature.is_empty()));
    assert_eq!(sieved(&cache), (Ok(computed.clone()), Lookup::Cached));
    drop(cache);
    assert_eq!(
        sieved(&Cache::open(dir.path())),
        (Ok(computed), Lookup::Cached)
    );
}

/// Asking for the references to some names keeps every definition, signatures included, and
/// only those references, whether the lookup computed the outline or read it back; the entry
/// itself stays whole for the next reader.
#[test]
fn references_to_some_names_keep_every_definition_hit_or_miss() {
    let mut outline = rich_outline();
    outline.references.push(Reference {
        name: "Ledger".to_string(),
        line: 2,
        kind: ReferenceKind::Type,
        enclosing: None,
    });
    let entry = codec::encode("k", &Ok(outline.clone()));
    let names: HashSet<&str> = ["Ledger"].into_iter().collect();
    let mut expected = outline;
    expected.references.retain(|r| r.name == "Ledger");
    assert_eq!(expected.references.len(), 1);
    assert_eq!(
        codec::decode("k", &entry, Ask::ReferencesTo(&names)),
        Some(Ok(expected))
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let budget = Budget::default();
    let none = HashSet::new();
    let ask = |cache: &Cache, names| {
        cache.outline(
            BLOB,
            python(),
            || Some(SOURCE.to_vec()),
            &budget,
            Ask::ReferencesTo(names),
        )
    };
    let cache = Cache::open(dir.path());
    let computed = ask(&cache, &none).expect("outlined");
    assert!(computed.references.is_empty());
    assert_eq!(computed.definitions.len(), 1);
    assert!(!computed.definitions[0].signature.is_empty());
    assert_eq!(ask(&cache, &none), Ok(computed.clone()));
    drop(cache);
    let cache = Cache::open(dir.path());
    assert_eq!(ask(&cache, &none), Ok(computed));
    let (whole, origin) = cache.outline_traced(BLOB, python(), || None, &budget);
    assert_eq!(origin, Lookup::Cached);
    assert!(
        whole
            .expect("kept whole")
            .references
            .iter()
            .any(|r| r.name == "sum")
    );
}

/// A sieved outline keeps the definitions a search asks about: named as asked, named as the
/// enclosing definition of a kept use, or spanning a kept use that names none; decoding an
/// entry and sieving a fresh outline keep the same ones.
#[test]
fn sieved_outlines_keep_the_definitions_around_kept_uses() {
    let definition = |name: &str, container: Option<&str>, lines: (u32, u32)| Definition {
        name: name.to_string(),
        kind: SymbolKind::Function,
        container: container.map(ToString::to_string),
        start_line: lines.0,
        end_line: lines.1,
        signature: format!("def {name}()"),
        visibility: Visibility::Public,
        body_hash: 7,
    };
    let reference = |name: &str, line: u32, enclosing: Option<&str>| Reference {
        name: name.to_string(),
        line,
        kind: ReferenceKind::Call,
        enclosing: enclosing.map(ToString::to_string),
    };
    let outline = Outline {
        language: "python".to_string(),
        definitions: vec![
            definition("Ledger", None, (1, 20)),
            definition("save", Some("Ledger"), (3, 9)),
            definition("helper", None, (22, 28)),
            definition("other", None, (30, 40)),
            definition("open", None, (50, 52)),
        ],
        references: vec![
            reference("open", 4, Some("save")),
            reference("open", 35, None),
            reference("print", 24, Some("helper")),
        ],
        token_hash: 1,
        error_permille: 0,
    };
    let keep: HashSet<&str> = ["open"].into_iter().collect();
    let entry = codec::encode("k", &Ok(outline.clone()));
    let Some(Ok(decoded)) = codec::decode("k", &entry, Ask::Sieved(&keep)) else {
        panic!("decodes");
    };
    let names: Vec<&str> = decoded
        .definitions
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["save", "other", "open"]);
    assert!(decoded.definitions.iter().all(|d| d.signature.is_empty()));
    assert_eq!(decoded.references.len(), 2);
    assert_eq!(super::sieve(outline.clone(), &keep), decoded);
    // Without a sieve everything comes back.
    assert_eq!(codec::decode("k", &entry, Ask::Whole), Some(Ok(outline)));
}

/// The first lookup parses; the second, in the same run, is a hit without calling `bytes`;
/// dropping the cache writes one pack, from which the next run hits too.
#[test]
fn second_lookup_is_a_hit_in_this_run_and_the_next() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    assert!(cache.is_enabled());
    let budget = Budget::default();
    let (first, origin) = cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
    assert_eq!(origin, Lookup::Computed);
    let hit = |cache: &Cache| {
        cache.outline_traced(
            BLOB,
            python(),
            || panic!("a hit must not read the blob"),
            &budget,
        )
    };
    assert_eq!(hit(&cache), (first.clone(), Lookup::Cached));
    assert!(
        cache.pack_paths().is_empty(),
        "nothing written before the flush"
    );
    drop(cache);
    let next = Cache::open(dir.path());
    assert_eq!(next.pack_paths().len(), 1);
    assert_eq!(hit(&next), (first, Lookup::Cached));
}

/// A pack of garbage, a truncated pack and a pack with a flipped entry byte are each a miss:
/// the outline is recomputed, and the pack the run writes makes the next lookup a hit.
#[test]
fn corrupt_packs_are_misses_and_healed_by_the_next_pack() {
    let budget = Budget::default();
    let corruptions: [Corruption; 3] = [
        |_| b"not a pack".to_vec(),
        |good| good[..good.len() / 2].to_vec(),
        |good| {
            let mut bad = good.to_vec();
            *bad.last_mut().expect("not empty") ^= 0x41;
            bad
        },
    ];
    for corrupt in corruptions {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path());
        let (expected, _) = cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
        drop(cache);
        let written = Cache::open(dir.path()).pack_paths();
        let good = fs::read(&written[0]).expect("pack written");
        fs::write(&written[0], corrupt(&good)).expect("plant a bad pack");

        let cache = Cache::open(dir.path());
        let (result, origin) =
            cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
        assert_eq!((&result, origin), (&expected, Lookup::Computed));
        drop(cache);
        let (result, origin) = Cache::open(dir.path()).outline_traced(
            BLOB,
            python(),
            || panic!("healed: a hit"),
            &budget,
        );
        assert_eq!((result, origin), (expected, Lookup::Cached));
    }
}

/// Runs that each add an entry leave at most `MAX_PACKS` packs however many there were, and
/// every entry is still found.
#[test]
fn many_runs_are_merged_into_few_packs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outline = Ok(rich_outline());
    let runs = 3 * MAX_PACKS;
    for run in 0..runs {
        let cache = Cache::open(dir.path());
        cache.store(&blob(run), python(), &outline);
        drop(cache);
        let packs = Cache::open(dir.path()).pack_paths().len();
        assert!(packs <= MAX_PACKS, "run {run}: {packs} packs");
    }
    let cache = Cache::open(dir.path());
    for run in 0..runs {
        let (found, origin) = cache.outline_traced(
            &blob(run),
            python(),
            || panic!("entry {run} lost"),
            &Budget::default(),
        );
        assert_eq!((found, origin), (outline.clone(), Lookup::Cached));
    }
}

/// Caches on the same directory storing, flushing and merging from many threads at once (as
/// racing runs would), with readers in between: no reader ever sees a wrong outline, nothing
/// is lost, and no temporary file is left behind.
#[test]
fn racing_runs_leave_valid_packs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outline: Result<Outline, Unanalysed> = Ok(rich_outline());
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let outline = &outline;
            let dir = dir.path();
            scope.spawn(move || {
                for run in 0..12 {
                    let cache = Cache::open(dir);
                    cache.store(&blob(thread * 100 + run), python(), outline);
                    for earlier in 0..run {
                        let (found, _) = cache.outline_traced(
                            &blob(thread * 100 + earlier),
                            python(),
                            || None,
                            &Budget::default(),
                        );
                        // A miss here (another thread merged that pack away between this
                        // run's opening and its read) computes `NoContent`; a hit is right.
                        if found != Err(Unanalysed::NoContent) {
                            assert_eq!(&found, outline);
                        }
                    }
                }
            });
        }
    });
    let cache = Cache::open(dir.path());
    for thread in 0..4 {
        for run in 0..12 {
            let (_, origin) = cache.outline_traced(
                &blob(thread * 100 + run),
                python(),
                || None,
                &Budget::default(),
            );
            assert_eq!(origin, Lookup::Cached, "entry {thread}/{run}");
        }
    }
    let temporary = fs::read_dir(cache.store.as_ref().expect("enabled").dir.as_path())
        .expect("cache dir")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(".tmp"))
        .count();
    assert_eq!(temporary, 0, "temporary files are renamed away");
}

/// When the cache directory cannot be created (here a plain file sits where the `blastgate`
/// directory would go; a read-only git directory fails the same way for non-root users), the
/// cache is disabled and lookups still compute.
#[test]
fn uncreatable_directory_disables_the_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("blastgate"), b"in the way").expect("block the path");
    let cache = Cache::open(dir.path());
    assert!(!cache.is_enabled());
    let (result, origin) =
        cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &Budget::default());
    assert!(result.is_ok());
    assert_eq!(origin, Lookup::Computed);
}

/// Results that depend on the machine or on the policy's budget are not stored; the rest are.
#[test]
fn only_blob_determined_results_are_stored() {
    assert!(worth_storing(&Ok(Outline::default())));
    assert!(worth_storing(&Err(Unanalysed::Binary)));
    assert!(worth_storing(&Err(Unanalysed::Generated {
        why: "x".into()
    })));
    assert!(!worth_storing(&Err(Unanalysed::Timeout { budget_ms: 1 })));
    assert!(!worth_storing(&Err(Unanalysed::TooLarge {
        bytes: 2,
        limit: 1
    })));
    assert!(!worth_storing(&Err(Unanalysed::TooManyErrors {
        percent: 90
    })));
}

/// A blob id that is not hex is not stored (entry names stay plain).
#[test]
fn non_hex_ids_are_not_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    assert!(Cache::name("../../etc/passwd", python()).is_none());
    for _ in 0..2 {
        let (_, origin) = cache.outline_traced(
            "../x",
            python(),
            || Some(SOURCE.to_vec()),
            &Budget::default(),
        );
        assert_eq!(origin, Lookup::Computed);
    }
}

/// An entry replaced by a newer pack stays replaced when the older, smaller pack that held it
/// is merged (the merged pack is the newest file, and would otherwise win).
#[test]
fn merging_never_brings_back_a_replaced_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = Ok(Outline::default());
    let new = Ok(rich_outline());
    let run = |entries: &[(String, &Result<Outline, Unanalysed>)]| {
        let cache = Cache::open(dir.path());
        for (blob, outline) in entries {
            cache.store(blob, python(), outline);
        }
    };
    // A small pack with the old entry, then a big one replacing it.
    run(&[(BLOB.to_string(), &old)]);
    let mut big: Vec<(String, &Result<Outline, Unanalysed>)> = vec![(BLOB.to_string(), &new)];
    big.extend((1000..1100).map(|n| (blob(n), &new)));
    run(&big);
    // Small packs until the smallest ones, the old entry's among them, are merged.
    for n in 0..2 * MAX_PACKS {
        run(&[(blob(n), &old)]);
    }
    let cache = Cache::open(dir.path());
    assert!(cache.pack_paths().len() <= MAX_PACKS, "merged");
    let (found, origin) =
        cache.outline_traced(BLOB, python(), || panic!("kept"), &Budget::default());
    assert_eq!((found, origin), (new, Lookup::Cached));
}

/// The index finds every entry of every pack by name, the newest pack's when several hold
/// the name, and nothing for a name no pack holds.
#[test]
fn the_index_finds_the_newest_entry_of_each_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let names: Vec<String> = (0..300).map(blob).collect();
    for (round, take) in [(0u8, 300), (1, 200), (2, 100)] {
        let entries: HashMap<String, Vec<u8>> = names[..take]
            .iter()
            .map(|name| (name.clone(), vec![round; 3]))
            .collect();
        super::pack::write(dir.path(), &entries).expect("write a pack");
    }
    let packs: Vec<super::pack::Pack> = super::pack::list(dir.path())
        .iter()
        .filter_map(|path| super::pack::Pack::open(path))
        .collect();
    assert_eq!(packs.len(), 3);
    let index = super::pack::Index::of(&packs);
    for (at, name) in names.iter().enumerate() {
        // Pack 0 holds every name, pack 1 the first 200, pack 2 the first 100.
        let newest = [at < 100, at < 200]
            .iter()
            .map(|&held| u8::from(held))
            .sum::<u8>();
        let (pack, entry) = index.find(&packs, name).expect("every name is found");
        assert_eq!(pack.read(&entry), Some(vec![newest; 3]), "{name}");
    }
    assert!(index.find(&packs, &blob(300)).is_none());
    assert!(index.find(&packs, "").is_none());
}

/// Priming stores what `compute` gives once: a later lookup is a hit with that outline, and a
/// second prime of the same blob does not compute again. Results that depend on the budget are
/// not stored, and a disabled cache computes nothing.
#[test]
fn a_primed_outline_is_a_hit_and_is_never_computed_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    let budget = Budget::default();
    let primed = crate::analyze::blast::outline::outline(python(), SOURCE, &budget);
    cache.prime(BLOB, python(), || Some(primed.clone()));
    cache.prime(BLOB, python(), || panic!("primed already"));
    let (found, origin) = cache.outline_traced(BLOB, python(), || panic!("a hit"), &budget);
    assert_eq!((found, origin), (primed, Lookup::Cached));

    let other = "89abcdef0123456789abcdef0123456789abcdef";
    cache.prime(other, python(), || {
        Some(Err(Unanalysed::Timeout { budget_ms: 1 }))
    });
    let (_, origin) = cache.outline_traced(other, python(), || Some(SOURCE.to_vec()), &budget);
    assert_eq!(origin, Lookup::Computed, "a timeout is not stored");

    Cache::disabled().prime(BLOB, python(), || panic!("nothing to store into"));
}

/// An outline's key names the build that extracted it, so another build (changed extraction
/// code, an upgrade) never reads it.
#[test]
fn outline_keys_name_the_build() {
    let key = key(&blob(1), python());
    assert!(key.ends_with(crate::build::IDENTITY), "{key}");
    assert!(key.starts_with(&blob(1)), "{key}");
}
