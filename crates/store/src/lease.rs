//! Rows that background workers take one at a time under a lease (emails, webhook deliveries,
//! project provisioning): safe with several server processes on one database. A row whose lease
//! ran out (its worker died) is due again, so the work is done at least once.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder};

use crate::StoreResult;

/// The columns of a leased table the claim reads and writes.
pub(crate) struct Leased<E: EntityTrait> {
    pub id: E::Column,
    pub lease_until: E::Column,
    /// Counted up by each claim, when the table keeps a count of attempts.
    pub attempts: Option<E::Column>,
    /// The oldest due row is taken first.
    pub oldest_first: E::Column,
}

impl<E: EntityTrait> Leased<E> {
    /// Rows whose lease is free or ran out by `now`.
    pub fn free(&self, now: DateTime<Utc>) -> sea_orm::Condition {
        self.lease_until.is_null().or(self.lease_until.lt(now)).into_condition()
    }

    /// Takes the oldest row that `due` selects (and whose lease is free) for `lease`, or None
    /// when nothing is due. Two workers racing for one row: the loser looks again.
    pub async fn claim<C: IntoCondition>(
        &self,
        db: &impl ConnectionTrait,
        due: impl Fn() -> C,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> StoreResult<Option<E::Model>> {
        let claimable = || due().into_condition().add(self.free(now));
        for _ in 0..5 {
            let Some(candidate) = E::find().filter(claimable()).order_by_asc(self.oldest_first).one(db).await? else {
                return Ok(None);
            };
            let id = candidate.get(self.id);
            let mut claim = E::update_many().col_expr(self.lease_until, Expr::value(now + lease));
            if let Some(attempts) = self.attempts {
                claim = claim.col_expr(attempts, Expr::col(attempts).add(1));
            }
            let claimed = claim.filter(self.id.eq(id.clone())).filter(claimable()).exec(db).await?;
            if claimed.rows_affected == 1 {
                return Ok(E::find().filter(self.id.eq(id)).one(db).await?);
            }
        }
        Ok(None)
    }
}
