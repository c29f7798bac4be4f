//! The worker's two Durable Objects, both SQLite-backed, and the calls the worker makes to them.
//!
//! - [`DuplicateGuard`], sharded by the first hex digit of the event id (or of the signature
//!   id, for counts): which event ids were claimed (`pending` while a request or a queue
//!   message delivers or keeps it, then `queued` for a retry, `delivered` or `kept`), the
//!   bodies too large for a queue message, and how many distinct events arrived under one
//!   signature. The queue consumer asks each shard once per batch.
//! - [`DeadLetters`], one object: events that could not be delivered, for the admin API.
//!
//! Each check-and-set runs without an `.await` between its SELECT and its write, so requests
//! to one object cannot interleave inside it. The clock is the caller's (`now_ms`).

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result, State};

use crate::gateway::delivery::{DeadLetter, LetterState, Retention, DEAD_LETTER_WARN_PERCENT};
use crate::gateway::ports::{GuardState, ShardClaims, ShardVerdicts, Verdict};

/// Durable Object binding names (wrangler.toml).
pub const GUARD_BINDING: &str = "GUARD";
/// See [`GUARD_BINDING`].
pub const DEAD_LETTERS_BINDING: &str = "DEAD_LETTERS";

/// How long a request's claim (direct mode) may stay `pending` before another request may take
/// it over (a worker that died while delivering must not block the event forever).
const PENDING_MS: i64 = 30_000;
/// The same for a queue message's claim: longer than an attempt (the origin's timeout) and
/// the queue's own retries of a message whose consumer died (the same message takes its claim
/// back at once).
const MESSAGE_PENDING_MS: i64 = 600_000;
/// Large bodies are kept long enough for every retry of a day-long outage and its dead letter.
const BODY_TTL_MS: i64 = 7 * 86_400_000;

/// A request to a [`DuplicateGuard`] shard.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GuardOp {
    /// Remember `id` unless already seen (direct mode).
    Claim { id: String, now_ms: i64, ttl_ms: i64 },
    /// A queue batch's ids in this shard, each for its message, and signatures to count.
    ClaimBatch { batch: ShardClaims, now_ms: i64, ttl_ms: i64 },
    /// What became of a batch's claimed ids.
    SettleBatch { settled: Vec<(String, GuardState)> },
    /// Record what became of a claimed id.
    Settle { id: String, state: GuardState },
    /// Forget a pending claim whose enqueue or delivery failed, so the provider's retry is new.
    Release { id: String },
    /// Keep a body too large for a queue message.
    PutBody { id: String, body: String, now_ms: i64 },
    /// Read a kept body.
    GetBody { id: String },
    /// Drop a kept body once delivered.
    DeleteBody { id: String },
    /// Count the distinct events seen under one signature.
    CountSignature { sig: String, id: String, now_ms: i64, ttl_ms: i64 },
}

/// A guard shard's answer (the fields its operation fills).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct GuardAnswer {
    /// To `Claim`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// To `GetBody`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// To `CountSignature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// To `ClaimBatch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<ShardVerdicts>,
}

/// Duplicate guard shard (see the module docs).
#[durable_object(fetch)]
pub struct DuplicateGuard {
    state: State,
    purged_ms: Cell<i64>,
}

impl DurableObject for DuplicateGuard {
    fn new(state: State, _env: Env) -> Self {
        create_tables(&state, &[
            "CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_ms INTEGER NOT NULL, pending_until_ms INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS seen_expiry ON seen (expires_ms)",
            "CREATE TABLE IF NOT EXISTS bodies (id TEXT PRIMARY KEY, body TEXT NOT NULL, expires_ms INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS sigs (sig TEXT NOT NULL, id TEXT NOT NULL, expires_ms INTEGER NOT NULL, PRIMARY KEY (sig, id))",
            // The claimant of a pending id: a queue message's id ('' for a request).
            "ALTER TABLE seen ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
        ]);
        DuplicateGuard { state, purged_ms: Cell::new(0) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: GuardOp = req.json().await?;
        let sql = self.state.storage().sql();
        let mut answer = GuardAnswer::default();
        match op {
            GuardOp::Claim { id, now_ms, ttl_ms } => {
                self.purge(now_ms)?;
                answer.verdict = Some(self.claim(&id, "", now_ms, ttl_ms, PENDING_MS)?);
            }
            GuardOp::ClaimBatch { batch, now_ms, ttl_ms } => {
                self.purge(now_ms)?;
                let mut verdicts = Vec::with_capacity(batch.claims.len());
                for (i, (id, owner)) in batch.claims.iter().enumerate() {
                    // A second copy in the same batch: the first one's claim covers it.
                    let earlier = batch.claims[..i].iter().any(|(other, _)| other == id);
                    verdicts.push(if earlier {
                        Verdict::Duplicate
                    } else {
                        self.claim(id, owner, now_ms, ttl_ms, MESSAGE_PENDING_MS)?
                    });
                }
                let mut counts = Vec::with_capacity(batch.signatures.len());
                for (sig, id) in &batch.signatures {
                    counts.push(self.count(sig, id, now_ms, ttl_ms)?);
                }
                answer.batch = Some(ShardVerdicts { verdicts, counts });
            }
            GuardOp::SettleBatch { settled } => {
                for (id, state) in settled {
                    self.settle(&id, state)?;
                }
            }
            GuardOp::Settle { id, state } => self.settle(&id, state)?,
            GuardOp::Release { id } => {
                sql.exec(
                    "DELETE FROM seen WHERE id = ? AND state = ?",
                    vec![id.into(), GuardState::Pending.as_str().into()],
                )?;
            }
            GuardOp::PutBody { id, body, now_ms } => {
                sql.exec(
                    "INSERT OR REPLACE INTO bodies (id, body, expires_ms) VALUES (?, ?, ?)",
                    vec![id.into(), body.into(), (now_ms + BODY_TTL_MS).into()],
                )?;
            }
            GuardOp::GetBody { id } => {
                #[derive(Deserialize)]
                struct Row {
                    body: String,
                }
                answer.body = sql
                    .exec("SELECT body FROM bodies WHERE id = ?", vec![id.into()])?
                    .to_array::<Row>()?
                    .pop()
                    .map(|r| r.body);
            }
            GuardOp::DeleteBody { id } => {
                sql.exec("DELETE FROM bodies WHERE id = ?", vec![id.into()])?;
            }
            GuardOp::CountSignature { sig, id, now_ms, ttl_ms } => {
                self.purge(now_ms)?;
                answer.count = Some(self.count(&sig, &id, now_ms, ttl_ms)?);
            }
        }
        Response::from_json(&answer)
    }
}

impl DuplicateGuard {
    /// Claim `id` for `owner` unless already seen: a duplicate once settled; pending while
    /// another owner's claim is younger than `pending_ms`; the same owner takes its claim back.
    fn claim(&self, id: &str, owner: &str, now_ms: i64, ttl_ms: i64, pending_ms: i64) -> Result<Verdict> {
        #[derive(Deserialize)]
        struct Row {
            state: String,
            owner: String,
            expires_ms: i64,
            pending_until_ms: i64,
        }
        let sql = self.state.storage().sql();
        let row = sql
            .exec("SELECT state, owner, expires_ms, pending_until_ms FROM seen WHERE id = ?", vec![id.into()])?
            .to_array::<Row>()?
            .pop()
            .filter(|r| r.expires_ms >= now_ms);
        Ok(match row {
            Some(r) if r.state != GuardState::Pending.as_str() => Verdict::Duplicate,
            Some(r) if !owner.is_empty() && r.owner == owner => Verdict::Accepted,
            Some(r) if r.pending_until_ms >= now_ms => Verdict::Pending,
            // New, expired, or a stale pending claim: take it.
            _ => {
                sql.exec(
                    "INSERT OR REPLACE INTO seen (id, state, expires_ms, pending_until_ms, owner) VALUES (?, ?, ?, ?, ?)",
                    vec![
                        id.into(),
                        GuardState::Pending.as_str().into(),
                        (now_ms + ttl_ms).into(),
                        (now_ms + pending_ms).into(),
                        owner.into(),
                    ],
                )?;
                Verdict::Accepted
            }
        })
    }

    /// Record what became of a claimed id.
    fn settle(&self, id: &str, state: GuardState) -> Result<()> {
        let sql = self.state.storage().sql();
        sql.exec("UPDATE seen SET state = ? WHERE id = ?", vec![state.as_str().into(), id.into()])?;
        Ok(())
    }

    /// Count `id` under `sig`; the distinct events under it.
    fn count(&self, sig: &str, id: &str, now_ms: i64, ttl_ms: i64) -> Result<i64> {
        #[derive(Deserialize)]
        struct Row {
            n: i64,
        }
        let sql = self.state.storage().sql();
        sql.exec(
            "INSERT OR IGNORE INTO sigs (sig, id, expires_ms) VALUES (?, ?, ?)",
            vec![sig.into(), id.into(), (now_ms + ttl_ms).into()],
        )?;
        Ok(sql.exec("SELECT COUNT(*) AS n FROM sigs WHERE sig = ?", vec![sig.into()])?.one::<Row>()?.n)
    }

    /// Drop expired rows, at most once a minute per object.
    fn purge(&self, now_ms: i64) -> Result<()> {
        if now_ms - self.purged_ms.get() < 60_000 {
            return Ok(());
        }
        self.purged_ms.set(now_ms);
        let sql = self.state.storage().sql();
        for table in ["seen", "bodies", "sigs"] {
            sql.exec(&format!("DELETE FROM {table} WHERE expires_ms < ?"), vec![now_ms.into()])?;
        }
        Ok(())
    }
}

/// A request to the [`DeadLetters`] object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DeadLetterOp {
    /// Store (or replace) a dead letter within the provider's caps; drops those older than
    /// the retention's days.
    Put { letter: DeadLetter, retention: Retention },
    /// Newest first, `limit` at most, before the cursor `(died_ms, id)`.
    List {
        limit: u32,
        before: Option<(i64, String)>,
        now_ms: i64,
        keep_days: u32,
        /// Only letters whose provider, type and reason are these (each when given).
        #[serde(default)]
        filter: LetterFilter,
    },
    /// One letter with its body.
    Get { id: String },
    /// Remove one; answers whether it was there.
    Delete { id: String },
    /// Set its state.
    Mark { id: String, state: LetterState },
}

/// The dead-letter object's answer to a `Put`: whether it was stored, and the provider's fill
/// (counting this letter).
#[derive(Debug, Serialize, Deserialize)]
pub struct PutAnswer {
    /// False past a cap: refused.
    pub stored: bool,
    /// At or past [`DEAD_LETTER_WARN_PERCENT`] of a cap.
    pub near_cap: bool,
    /// Letters of the provider.
    pub letters: i64,
    /// Bytes of their bodies.
    pub bytes: i64,
}

/// What a dead-letter list is narrowed to.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LetterFilter {
    /// A provider id.
    pub provider: Option<String>,
    /// An event type.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// A reason.
    pub reason: Option<String>,
}

/// A page of dead letters.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeadLetterPage {
    /// The letters, without bodies.
    pub items: Vec<DeadLetter>,
    /// The cursor for the next page, if there may be one.
    pub next: Option<String>,
}

/// Dead letters (see the module docs).
#[durable_object(fetch)]
pub struct DeadLetters {
    state: State,
}

const LETTER_COLUMNS: &str = "id, provider, type, reason, detail, last_status, attempts, accepted_ms, died_ms, state";

impl DurableObject for DeadLetters {
    fn new(state: State, _env: Env) -> Self {
        create_tables(&state, &[
            "CREATE TABLE IF NOT EXISTS letters (id TEXT PRIMARY KEY, provider TEXT NOT NULL, type TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, last_status INTEGER, attempts INTEGER NOT NULL, accepted_ms INTEGER NOT NULL, died_ms INTEGER NOT NULL, state TEXT NOT NULL, bytes INTEGER NOT NULL DEFAULT 0, body TEXT)",
            "CREATE INDEX IF NOT EXISTS letters_by_death ON letters (died_ms, id)",
            // A table from before the caps: its bodies' sizes, counted once.
            "ALTER TABLE letters ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0",
            "UPDATE letters SET bytes = LENGTH(CAST(body AS BLOB)) WHERE bytes = 0 AND body IS NOT NULL",
            // Each provider's fill is read from this index alone, never from the bodies.
            "CREATE INDEX IF NOT EXISTS letters_fill ON letters (provider, bytes)",
        ]);
        DeadLetters { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: DeadLetterOp = req.json().await?;
        let sql = self.state.storage().sql();
        let purge = |now_ms: i64, keep_days: u32| {
            sql.exec("DELETE FROM letters WHERE died_ms < ?", vec![(now_ms - i64::from(keep_days) * 86_400_000).into()])
        };
        match op {
            DeadLetterOp::Put { letter, retention } => {
                purge(letter.died_ms as i64, retention.days)?;
                #[derive(Deserialize)]
                struct Fill {
                    n: i64,
                    bytes: i64,
                }
                let fill = sql
                    .exec(
                        "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM letters WHERE provider = ?",
                        vec![letter.provider.clone().into()],
                    )?
                    .one::<Fill>()?;
                // A letter dying again replaces its old row (and keeps its body when it has none).
                #[derive(Deserialize)]
                struct Size {
                    bytes: i64,
                }
                let old = sql
                    .exec("SELECT bytes FROM letters WHERE id = ?", vec![letter.id.clone().into()])?
                    .to_array::<Size>()?
                    .pop()
                    .map(|r| r.bytes);
                let size = letter.body.as_ref().map_or(old.unwrap_or(0), |b| b.len() as i64);
                let letters = fill.n + i64::from(old.is_none());
                let bytes = fill.bytes - old.unwrap_or(0) + size;
                let fill = PutAnswer { stored: false, near_cap: false, letters, bytes };
                let (max_count, max_bytes) = (i64::from(retention.max_count), retention.max_bytes as i64);
                if letters > max_count || bytes > max_bytes {
                    return Response::from_json(&fill);
                }
                let warn = DEAD_LETTER_WARN_PERCENT as i64;
                let near_cap = letters * 100 >= max_count * warn || bytes * 100 >= max_bytes * warn;
                sql.exec(
                    // A letter dying again replaces the old one, but never loses its body (a
                    // stored body may be gone by the second death).
                    "INSERT INTO letters (id, provider, type, reason, detail, last_status, attempts, accepted_ms, died_ms, state, bytes, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, type = excluded.type, reason = excluded.reason, detail = excluded.detail, last_status = excluded.last_status, attempts = excluded.attempts, accepted_ms = excluded.accepted_ms, died_ms = excluded.died_ms, state = excluded.state, bytes = excluded.bytes, body = COALESCE(excluded.body, letters.body)",
                    vec![
                        letter.id.into(),
                        letter.provider.into(),
                        letter.event_type.into(),
                        letter.reason.as_str().into(),
                        letter.detail.into(),
                        letter.last_status.map(i64::from).into(),
                        i64::from(letter.attempts).into(),
                        (letter.accepted_ms as i64).into(),
                        (letter.died_ms as i64).into(),
                        letter.state.as_str().into(),
                        size.into(),
                        letter.body.into(),
                    ],
                )?;
                Response::from_json(&PutAnswer { stored: true, near_cap, ..fill })
            }
            DeadLetterOp::List { limit, before, now_ms, keep_days, filter } => {
                purge(now_ms, keep_days)?;
                let limit = i64::from(limit.clamp(1, 500));
                // Each condition is a bound parameter: `? IS NULL` lets an absent filter match all.
                let mut query = format!(
                    "SELECT {LETTER_COLUMNS} FROM letters WHERE (? IS NULL OR provider = ?) AND (? IS NULL OR type = ?) AND (? IS NULL OR reason = ?)"
                );
                let mut args: Vec<worker::SqlStorageValue> = Vec::new();
                for value in [filter.provider, filter.event_type, filter.reason] {
                    let v: worker::SqlStorageValue = value.map_or(worker::SqlStorageValue::Null, Into::into);
                    args.extend([v.clone(), v]);
                }
                if let Some((died, id)) = before {
                    query.push_str(" AND (died_ms, id) < (?, ?)");
                    args.extend([died.into(), id.into()]);
                }
                query.push_str(" ORDER BY died_ms DESC, id DESC LIMIT ?");
                args.push(limit.into());
                let cursor = sql.exec(&query, args)?;
                let items: Vec<DeadLetter> = cursor.to_array()?;
                let next = (items.len() as i64 == limit)
                    .then(|| items.last().map(|l| format!("{}:{}", l.died_ms, l.id)))
                    .flatten();
                Response::from_json(&DeadLetterPage { items, next })
            }
            DeadLetterOp::Get { id } => {
                let mut rows: Vec<DeadLetter> = sql
                    .exec(&format!("SELECT {LETTER_COLUMNS}, body FROM letters WHERE id = ?"), vec![id.into()])?
                    .to_array()?;
                match rows.pop() {
                    Some(letter) => Response::from_json(&letter),
                    None => Ok(Response::empty()?.with_status(404)),
                }
            }
            DeadLetterOp::Delete { id } => {
                let deleted = sql.exec("DELETE FROM letters WHERE id = ?", vec![id.into()])?.rows_written() > 0;
                Response::from_json(&serde_json::json!({ "deleted": deleted }))
            }
            DeadLetterOp::Mark { id, state } => {
                sql.exec("UPDATE letters SET state = ? WHERE id = ?", vec![state.as_str().into(), id.into()])?;
                Response::from_json(&serde_json::json!({ "marked": true }))
            }
        }
    }
}

/// Create an object's tables on its first use (idempotent). A failure surfaces on the first
/// statement that needs the table, as an error the caller answers 503 to.
fn create_tables(state: &State, ddl: &[&str]) {
    let sql = state.storage().sql();
    for statement in ddl {
        let _ = sql.exec(statement, None);
    }
}

/// Send one operation to a Durable Object and read its JSON answer (`None` for a 404).
pub(crate) async fn call<T: serde::de::DeserializeOwned>(
    env: &Env,
    binding: &str,
    name: &str,
    op: &impl Serialize,
) -> Result<Option<T>> {
    let stub = env.durable_object(binding)?.get_by_name(name)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(serde_json::to_string(op)?.into()));
    let mut resp = stub.fetch_with_request(Request::new_with_init("https://store.internal/", &init)?).await?;
    match resp.status_code() {
        404 => Ok(None),
        200 => Ok(Some(resp.json().await?)),
        s => Err(worker::Error::RustError(format!("{binding} answered {s}"))),
    }
}

/// The name of guard shard `shard`.
pub fn shard_name(shard: usize) -> String {
    format!("guard-{shard:x}")
}

/// Ask a guard shard.
pub async fn guard(env: &Env, shard: &str, op: &GuardOp) -> Result<GuardAnswer> {
    Ok(call(env, GUARD_BINDING, shard, op).await?.unwrap_or_default())
}

/// Ask the dead-letter object.
pub async fn dead_letters<T: serde::de::DeserializeOwned>(env: &Env, op: DeadLetterOp) -> Result<Option<T>> {
    call(env, DEAD_LETTERS_BINDING, "dead-letters", &op).await
}
