use std::sync::Arc;

use super::*;
use crate::analyze::lang;
use crate::analyze::syntax::{Definition, Reference, ReferenceKind, SymbolKind, Visibility};

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

fn entry_path(cache: &Cache) -> PathBuf {
    cache.path(BLOB, python()).expect("enabled cache, hex id")
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
        assert_eq!(codec::decode("k", &entry), Some(result));
        assert_eq!(codec::decode("other", &entry), None);
    }
}

/// Any truncation or single-byte change of an entry is detected (never a panic, never a wrong
/// outline).
#[test]
fn codec_rejects_every_truncation_and_flipped_byte() {
    let entry = codec::encode("k", &Ok(rich_outline()));
    for length in 0..entry.len() {
        assert_eq!(
            codec::decode("k", &entry[..length]),
            None,
            "truncated to {length}"
        );
    }
    for index in 0..entry.len() {
        let mut bad = entry.clone();
        bad[index] ^= 0x41;
        assert_eq!(codec::decode("k", &bad), None, "byte {index} flipped");
    }
}

/// The first lookup parses and stores; the second reads the entry without calling `bytes`.
#[test]
fn second_lookup_is_a_hit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    assert!(cache.is_enabled());
    let budget = Budget::default();
    let (first, origin) = cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
    assert_eq!(origin, Lookup::Computed);
    assert!(entry_path(&cache).is_file());
    let (second, origin) = cache.outline_traced(
        BLOB,
        python(),
        || panic!("a hit must not read the blob"),
        &budget,
    );
    assert_eq!(origin, Lookup::Cached);
    assert_eq!(first, second);
}

/// Garbage, a truncated entry and an entry from another blob are each ignored: the outline is
/// recomputed and the entry rewritten so the next lookup hits.
#[test]
fn corrupt_entry_is_ignored_and_rewritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    let budget = Budget::default();
    let (expected, _) = cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
    let good = fs::read(entry_path(&cache)).expect("entry written");
    let foreign = codec::encode("another-key", &Ok(rich_outline()));
    for bad in [
        b"not an entry".to_vec(),
        good[..good.len() / 2].to_vec(),
        foreign,
    ] {
        fs::write(entry_path(&cache), &bad).expect("plant a bad entry");
        let (result, origin) =
            cache.outline_traced(BLOB, python(), || Some(SOURCE.to_vec()), &budget);
        assert_eq!(origin, Lookup::Computed);
        assert_eq!(result, expected);
        assert_eq!(fs::read(entry_path(&cache)).expect("rewritten"), good);
    }
}

/// Two caches on the same directory writing the same entry from many threads, with readers in
/// between, leave one valid entry and no reader ever sees a torn one.
#[test]
fn racing_writers_leave_a_valid_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let caches = [
        Arc::new(Cache::open(dir.path())),
        Arc::new(Cache::open(dir.path())),
    ];
    let outline: Result<Outline, Unanalysed> = Ok(rich_outline());
    let key = key(BLOB, python());
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let cache = Arc::clone(&caches[thread % 2]);
            let outline = &outline;
            let key = &key;
            scope.spawn(move || {
                for _ in 0..50 {
                    cache.store(BLOB, python(), outline);
                    if let Ok(bytes) = fs::read(cache.path(BLOB, python()).expect("enabled")) {
                        assert_eq!(codec::decode(key, &bytes).as_ref(), Some(outline));
                    }
                }
            });
        }
    });
    let bytes = fs::read(entry_path(&caches[0])).expect("entry");
    assert_eq!(codec::decode(&key, &bytes), Some(outline));
    let fan = entry_path(&caches[0])
        .parent()
        .expect("fan dir")
        .to_path_buf();
    let leftovers = fs::read_dir(fan).expect("fan dir").count();
    assert_eq!(leftovers, 1, "temporary files are renamed away");
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

/// A blob id that is not hex never becomes a path (nothing can escape the cache directory).
#[test]
fn non_hex_ids_are_not_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Cache::open(dir.path());
    assert!(cache.path("../../etc/passwd", python()).is_none());
    let (_, origin) = cache.outline_traced(
        "../x",
        python(),
        || Some(SOURCE.to_vec()),
        &Budget::default(),
    );
    assert_eq!(origin, Lookup::Computed);
}
