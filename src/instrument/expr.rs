//! The condition language used by skip rules, flags, follow-ups and context-dependent cut-offs.
//!
//! Conditions are parsed once at load time into [`Expr`], with every name resolved to an item or
//! score index, so evaluation is a cheap walk with no lookups or allocation.

use std::fmt;

/// What a condition may refer to; checked at load so that a bad reference is a file error.
pub trait Scope {
    /// Index of an item visible here.
    fn item(&self, name: &str) -> Option<usize>;
    /// Whether `code` is an option code of the item.
    fn item_has_code(&self, item: usize, code: &str) -> bool;
    /// Whether `value` is a scored value of the item's options (or its skipped value).
    fn item_has_value(&self, item: usize, value: i64) -> bool;
    /// The smallest and largest value the item can take.
    fn item_range(&self, item: usize) -> (i64, i64);
    /// Index of a score visible here (`None` when scores are not visible).
    fn score(&self, name: &str) -> Option<usize>;
    /// Whether `positive` may be used.
    fn allows_positive(&self) -> bool;
}

/// Values a condition is evaluated against.
pub trait Facts {
    fn item_value(&self, item: usize) -> Option<i64>;
    fn item_code(&self, item: usize) -> Option<&str>;
    fn score(&self, score: usize) -> Option<i64>;
    fn positive(&self) -> bool;
    fn sex(&self) -> Option<Sex>;
    fn age(&self) -> Option<i64>;
    /// Whether the item was asked and is required but has no answer yet (its value is unknown,
    /// not absent). Only [`Expr::eval_known`] reads this.
    fn item_missing(&self, _item: usize) -> bool {
        false
    }
}

/// Sex as recorded for cut-offs validated by sex; unknown is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn parse(text: &str) -> Option<Sex> {
        match text {
            "female" | "f" => Some(Sex::Female),
            "male" | "m" => Some(Sex::Male),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn holds(self, left: i64, right: i64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }
}

/// A boolean condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(bool),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Compare(Num, CmpOp, Num),
    /// `item == "code"` (or `!=` when `equal` is false).
    ItemCode {
        item: usize,
        code: String,
        equal: bool,
    },
    SexIs {
        sex: Sex,
        equal: bool,
    },
    Answered(usize),
    Positive,
}

/// A numeric expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Num {
    Int(i64),
    Item(usize),
    Score(usize),
    Age,
    Sum(Vec<(i64, Num)>),
    Count(Vec<Expr>),
}

impl Num {
    fn eval(&self, facts: &dyn Facts) -> Option<i64> {
        match self {
            Num::Int(v) => Some(*v),
            Num::Item(i) => facts.item_value(*i),
            Num::Score(s) => facts.score(*s),
            Num::Age => facts.age(),
            Num::Sum(terms) => terms.iter().try_fold(0i64, |acc, (sign, term)| Some(acc + sign * term.eval(facts)?)),
            Num::Count(conditions) => Some(conditions.iter().filter(|c| c.eval(facts)).count() as i64),
        }
    }
}

impl Num {
    /// Like `eval`, but `None` when the value depends on a missing item; `Some(None)` when it is
    /// absent for another reason (a skipped item without `if_skipped`, an unknown age, a score).
    fn eval_known(&self, facts: &dyn Facts) -> Option<Option<i64>> {
        match self {
            Num::Item(i) if facts.item_missing(*i) => None,
            Num::Sum(terms) => {
                let mut unknown = false;
                let mut sum = 0i64;
                for (sign, term) in terms {
                    match term.eval_known(facts) {
                        Some(Some(v)) => sum += sign * v,
                        Some(None) => return Some(None),
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(Some(sum)) }
            }
            Num::Count(conditions) => {
                let mut count = 0i64;
                for condition in conditions {
                    match condition.eval_known(facts) {
                        Some(true) => count += 1,
                        Some(false) => {}
                        None => return None,
                    }
                }
                Some(Some(count))
            }
            // A score over a missing item is not computed; it is compared as absent, as in `eval`.
            other => Some(other.eval(facts)),
        }
    }
}

impl Expr {
    /// Three-valued evaluation (Kleene logic): `Some(answer)` when the answers given decide the
    /// condition whatever the missing items (`Facts::item_missing`) turn out to be, `None` when it
    /// depends on them. `x or <unknown>` is true when `x` is; `x and <unknown>` is false when `x`
    /// is false. Otherwise the same rules as `eval`.
    pub fn eval_known(&self, facts: &dyn Facts) -> Option<bool> {
        match self {
            Expr::Not(inner) => inner.eval_known(facts).map(|v| !v),
            Expr::And(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval_known(facts) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Expr::Or(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval_known(facts) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(false) }
            }
            Expr::Compare(left, op, right) => match (left.eval_known(facts), right.eval_known(facts)) {
                (Some(Some(l)), Some(Some(r))) => Some(op.holds(l, r)),
                (Some(None), _) | (_, Some(None)) => Some(false),
                _ => None,
            },
            Expr::ItemCode { item, .. } if facts.item_missing(*item) => None,
            Expr::Answered(item) if facts.item_missing(*item) => Some(false),
            other => Some(other.eval(facts)),
        }
    }

    /// Evaluates the condition. A comparison involving an unanswered item, a missing score or an
    /// unknown age is false, whatever the operator.
    pub fn eval(&self, facts: &dyn Facts) -> bool {
        match self {
            Expr::Const(value) => *value,
            Expr::Not(inner) => !inner.eval(facts),
            Expr::And(parts) => parts.iter().all(|p| p.eval(facts)),
            Expr::Or(parts) => parts.iter().any(|p| p.eval(facts)),
            Expr::Compare(left, op, right) => match (left.eval(facts), right.eval(facts)) {
                (Some(l), Some(r)) => op.holds(l, r),
                _ => false,
            },
            Expr::ItemCode { item, code, equal } => match facts.item_code(*item) {
                Some(actual) => (actual == code) == *equal,
                None => false,
            },
            // Unknown sex is neither: `sex != "male"` holds and `sex == "female"` does not, so a
            // file gives unknown sex the more sensitive cut-off by writing `sex != "male"`.
            Expr::SexIs { sex, equal } => (facts.sex() == Some(*sex)) == *equal,
            Expr::Answered(item) => facts.item_code(*item).is_some(),
            Expr::Positive => facts.positive(),
        }
    }

    /// True when the condition reads nothing but item answers and the person's context.
    pub fn reads_only_items(&self) -> bool {
        match self {
            Expr::Const(_) | Expr::SexIs { .. } | Expr::ItemCode { .. } | Expr::Answered(_) => true,
            Expr::Positive => false,
            Expr::Not(inner) => inner.reads_only_items(),
            Expr::And(parts) | Expr::Or(parts) => parts.iter().all(Expr::reads_only_items),
            Expr::Compare(l, _, r) => l.reads_only_items() && r.reads_only_items(),
        }
    }

    /// Items this condition reads (for "refers only to earlier items" checks).
    pub fn items(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Const(_) | Expr::SexIs { .. } | Expr::Positive => {}
            Expr::Not(inner) => inner.items(out),
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| p.items(out)),
            Expr::Compare(l, _, r) => {
                l.items(out);
                r.items(out);
            }
            Expr::ItemCode { item, .. } | Expr::Answered(item) => out.push(*item),
        }
    }
}

impl Num {
    fn reads_only_items(&self) -> bool {
        match self {
            Num::Int(_) | Num::Item(_) | Num::Age => true,
            Num::Score(_) => false,
            Num::Sum(terms) => terms.iter().all(|(_, t)| t.reads_only_items()),
            Num::Count(conditions) => conditions.iter().all(Expr::reads_only_items),
        }
    }

    fn items(&self, out: &mut Vec<usize>) {
        match self {
            Num::Item(i) => out.push(*i),
            Num::Sum(terms) => terms.iter().for_each(|(_, t)| t.items(out)),
            Num::Count(conditions) => conditions.iter().for_each(|c| c.items(out)),
            Num::Int(_) | Num::Score(_) | Num::Age => {}
        }
    }
}

/// A parse or reference error, with the byte offset inside the condition text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Int(i64),
    Str(String),
    Op(CmpOp),
    Plus,
    Minus,
    LParen,
    RParen,
    Comma,
    End,
}

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let error = |message: String| ExprError { offset: start, message };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => (tokens.push((start, Token::LParen)), i += 1).1,
            b')' => (tokens.push((start, Token::RParen)), i += 1).1,
            b',' => (tokens.push((start, Token::Comma)), i += 1).1,
            b'+' => (tokens.push((start, Token::Plus)), i += 1).1,
            b'-' => (tokens.push((start, Token::Minus)), i += 1).1,
            b'=' | b'!' | b'<' | b'>' => {
                let two = bytes.get(i + 1) == Some(&b'=');
                let op = match (c, two) {
                    (b'=', true) => CmpOp::Eq,
                    (b'!', true) => CmpOp::Ne,
                    (b'<', true) => CmpOp::Le,
                    (b'>', true) => CmpOp::Ge,
                    (b'<', false) => CmpOp::Lt,
                    (b'>', false) => CmpOp::Gt,
                    _ => {
                        return Err(error(format!("unexpected `{}`; comparisons are == != < <= > >=", c as char)));
                    }
                };
                tokens.push((start, Token::Op(op)));
                i += if two { 2 } else { 1 };
            }
            b'"' | b'\'' => {
                let close = text[i + 1..].find(c as char).ok_or_else(|| error("unterminated string".into()))?;
                tokens.push((start, Token::Str(text[i + 1..i + 1 + close].to_string())));
                i += close + 2;
            }
            b'0'..=b'9' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let value = text[start..i].parse().map_err(|_| error("number too large".into()))?;
                tokens.push((start, Token::Int(value)));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push((start, Token::Ident(text[start..i].to_string())));
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(error(format!("unexpected character `{ch}`")));
            }
        }
    }
    tokens.push((text.len(), Token::End));
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    scope: &'a dyn Scope,
}

/// Parses and resolves a condition against `scope`.
pub fn parse(text: &str, scope: &dyn Scope) -> Result<Expr, ExprError> {
    let mut parser = Parser { tokens: tokenize(text)?, pos: 0, scope };
    let expr = parser.or()?;
    match parser.peek() {
        Token::End => Ok(expr),
        other => Err(parser.error(format!("unexpected {} after a complete condition", describe(other)))),
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Ident(name) => format!("`{name}`"),
        Token::Int(v) => format!("`{v}`"),
        Token::Str(s) => format!("\"{s}\""),
        Token::Op(_) => "a comparison".into(),
        Token::Plus => "`+`".into(),
        Token::Minus => "`-`".into(),
        Token::LParen => "`(`".into(),
        Token::RParen => "`)`".into(),
        Token::Comma => "`,`".into(),
        Token::End => "the end of the condition".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].1
    }
    fn offset(&self) -> usize {
        self.tokens[self.pos.min(self.tokens.len() - 1)].0
    }
    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }
    fn error(&self, message: String) -> ExprError {
        ExprError { offset: self.offset(), message }
    }
    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Token::Ident(w) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, token: Token) -> Result<(), ExprError> {
        if *self.peek() == token {
            self.next();
            Ok(())
        } else {
            Err(self.error(format!("expected {}, found {}", describe(&token), describe(self.peek()))))
        }
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut parts = vec![self.unary()?];
        while self.keyword("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        match self.peek().clone() {
            Token::LParen => {
                self.next();
                let inner = self.or()?;
                self.expect(Token::RParen)?;
                Ok(inner)
            }
            Token::Ident(word) if word == "true" || word == "false" => {
                self.next();
                Ok(Expr::Const(word == "true"))
            }
            Token::Ident(word) if word == "positive" => {
                if !self.scope.allows_positive() {
                    return Err(self.error("`positive` cannot be used here (only in flags and follow-ups)".into()));
                }
                self.next();
                Ok(Expr::Positive)
            }
            Token::Ident(word) if word == "answered" => {
                self.next();
                self.expect(Token::LParen)?;
                let offset = self.offset();
                let item = match self.next() {
                    Token::Ident(name) => self.scope.item(&name).ok_or_else(|| ExprError {
                        offset,
                        message: format!("unknown item `{name}` in answered(...)"),
                    })?,
                    other => {
                        return Err(ExprError {
                            offset,
                            message: format!("expected an item id, found {}", describe(&other)),
                        });
                    }
                };
                self.expect(Token::RParen)?;
                Ok(Expr::Answered(item))
            }
            _ => self.comparison(),
        }
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let left_offset = self.offset();
        // `sex` only compares with a string.
        if matches!(self.peek(), Token::Ident(w) if w == "sex") {
            self.next();
            let op = self.comparison_op()?;
            let offset = self.offset();
            let Token::Str(value) = self.next() else {
                return Err(ExprError { offset, message: "`sex` compares with \"female\" or \"male\"".into() });
            };
            let sex = Sex::parse(&value)
                .filter(|_| value == "female" || value == "male")
                .ok_or(ExprError { offset, message: format!("unknown sex \"{value}\"; use \"female\" or \"male\"") })?;
            return match op {
                CmpOp::Eq => Ok(Expr::SexIs { sex, equal: true }),
                CmpOp::Ne => Ok(Expr::SexIs { sex, equal: false }),
                _ => Err(ExprError { offset: left_offset, message: "`sex` can only be compared with == or !=".into() }),
            };
        }
        let left = self.sum()?;
        let op = self.comparison_op()?;
        let right_offset = self.offset();
        if let Token::Str(code) = self.peek().clone() {
            self.next();
            let Num::Item(item) = left else {
                return Err(ExprError {
                    offset: right_offset,
                    message: "a quoted option code can only be compared with a single item".into(),
                });
            };
            if !self.scope.item_has_code(item, &code) {
                return Err(ExprError {
                    offset: right_offset,
                    message: format!("\"{code}\" is not an option code of this item"),
                });
            }
            return match op {
                CmpOp::Eq => Ok(Expr::ItemCode { item, code, equal: true }),
                CmpOp::Ne => Ok(Expr::ItemCode { item, code, equal: false }),
                _ => Err(ExprError {
                    offset: right_offset,
                    message: "option codes can only be compared with == or !=".into(),
                }),
            };
        }
        let right = self.sum()?;
        self.check_value(&left, op, &right, right_offset)?;
        self.check_value(&right, op, &left, left_offset)?;
        Ok(Expr::Compare(left, op, right))
    }

    /// A number compared with a single item must be one of its values (==, !=) or within its range.
    fn check_value(&self, item_side: &Num, op: CmpOp, value_side: &Num, offset: usize) -> Result<(), ExprError> {
        let (Num::Item(item), Num::Int(value)) = (item_side, value_side) else {
            return Ok(());
        };
        let (low, high) = self.scope.item_range(*item);
        let fits = match op {
            CmpOp::Eq | CmpOp::Ne => self.scope.item_has_value(*item, *value),
            _ => (low..=high).contains(value),
        };
        if fits {
            Ok(())
        } else {
            Err(ExprError {
                offset,
                message: format!("{value} is outside the item's option set (values {low} to {high})"),
            })
        }
    }

    fn comparison_op(&mut self) -> Result<CmpOp, ExprError> {
        match self.next() {
            Token::Op(op) => Ok(op),
            other => {
                self.pos = self.pos.saturating_sub(1);
                Err(self.error(format!("expected a comparison (== != < <= > >=), found {}", describe(&other))))
            }
        }
    }

    fn sum(&mut self) -> Result<Num, ExprError> {
        let first = self.term()?;
        let mut terms = vec![(1, first)];
        loop {
            let sign = match self.peek() {
                Token::Plus => 1,
                Token::Minus => -1,
                _ => break,
            };
            self.next();
            terms.push((sign, self.term()?));
        }
        Ok(if terms.len() == 1 { terms.remove(0).1 } else { Num::Sum(terms) })
    }

    fn term(&mut self) -> Result<Num, ExprError> {
        let offset = self.offset();
        match self.next() {
            Token::Int(v) => Ok(Num::Int(v)),
            Token::Ident(name) if name == "count" => {
                self.expect(Token::LParen)?;
                let mut conditions = vec![self.or()?];
                while *self.peek() == Token::Comma {
                    self.next();
                    conditions.push(self.or()?);
                }
                self.expect(Token::RParen)?;
                Ok(Num::Count(conditions))
            }
            Token::Ident(name) if name == "age" => Ok(Num::Age),
            Token::Ident(name) => {
                if let Some(item) = self.scope.item(&name) {
                    Ok(Num::Item(item))
                } else if let Some(score) = self.scope.score(&name) {
                    Ok(Num::Score(score))
                } else {
                    Err(ExprError { offset, message: format!("unknown item or score `{name}`") })
                }
            }
            other => Err(ExprError {
                offset,
                message: format!("expected an item, score or number, found {}", describe(&other)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TestScope;
    impl Scope for TestScope {
        fn item(&self, name: &str) -> Option<usize> {
            ["q1", "q2", "q3"].iter().position(|n| *n == name)
        }
        fn item_has_code(&self, _: usize, code: &str) -> bool {
            ["yes", "no", "never"].contains(&code)
        }
        fn item_has_value(&self, _: usize, value: i64) -> bool {
            (0..=3).contains(&value)
        }
        fn item_range(&self, _: usize) -> (i64, i64) {
            (0, 3)
        }
        fn score(&self, name: &str) -> Option<usize> {
            (name == "total").then_some(0)
        }
        fn allows_positive(&self) -> bool {
            true
        }
    }

    struct TestFacts {
        values: [Option<i64>; 3],
        sex: Option<Sex>,
    }
    impl Facts for TestFacts {
        fn item_value(&self, item: usize) -> Option<i64> {
            self.values[item]
        }
        fn item_code(&self, item: usize) -> Option<&str> {
            self.values[item].map(|v| if v > 0 { "yes" } else { "no" })
        }
        fn score(&self, _: usize) -> Option<i64> {
            self.values.iter().copied().sum()
        }
        fn positive(&self) -> bool {
            false
        }
        fn sex(&self) -> Option<Sex> {
            self.sex
        }
        fn age(&self) -> Option<i64> {
            Some(70)
        }
    }

    fn eval(text: &str, values: [Option<i64>; 3]) -> bool {
        parse(text, &TestScope).unwrap().eval(&TestFacts { values, sex: None })
    }

    #[test]
    fn comparisons_and_logic() {
        assert!(eval("q1 >= 1", [Some(1), None, None]));
        assert!(!eval("q1 >= 1", [Some(0), None, None]));
        assert!(eval("q1 == 0 or q2 > 2", [Some(1), Some(3), None]));
        assert!(eval("not (q1 == 1) and q2 + q3 > 0", [Some(0), Some(0), Some(1)]));
        assert!(eval("count(q1 >= 2, q2 >= 2, q3 >= 2) >= 2", [Some(2), Some(3), Some(0)]));
        assert!(eval("q1 == \"yes\"", [Some(2), None, None]));
        assert!(eval("answered(q2)", [None, Some(0), None]));
        assert!(eval("total - 1 >= 2", [Some(1), Some(1), Some(1)]));
        assert!(eval("age > 65", [None, None, None]));
    }

    #[test]
    fn unanswered_items_compare_false_either_way() {
        assert!(!eval("q1 == 0", [None, None, None]));
        assert!(!eval("q1 != 0", [None, None, None]));
        assert!(!eval("q1 != \"yes\"", [None, None, None]));
        assert!(!eval("q1 + q2 > 0", [Some(3), None, None]));
    }

    #[test]
    fn unknown_sex_is_not_male() {
        let expr = parse("sex != \"male\"", &TestScope).unwrap();
        assert!(expr.eval(&TestFacts { values: [None; 3], sex: None }));
        assert!(!expr.eval(&TestFacts { values: [None; 3], sex: Some(Sex::Male) }));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let error = parse("q1 >= 1 and q7 > 0", &TestScope).unwrap_err();
        assert_eq!(error.offset, 12);
        assert!(error.message.contains("q7"));
        let error = parse("q1 == 9", &TestScope).unwrap_err();
        assert_eq!(error.offset, 6);
        assert!(error.message.contains("outside"));
        let error = parse("q1 == \"maybe\"", &TestScope).unwrap_err();
        assert!(error.message.contains("maybe"));
        assert!(parse("q1 >=", &TestScope).is_err());
        assert!(parse("(q1 > 1", &TestScope).is_err());
        assert!(parse("q1 > 1 q2", &TestScope).is_err());
        assert!(parse("sex == \"other\"", &TestScope).is_err());
        assert!(parse("q1 # 2", &TestScope).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,40}") {
            let _ = parse(&text, &TestScope);
        }

        #[test]
        fn parser_never_panics_on_near_valid_text(text in "[q123 ()=<>!+\\-,\"a-z0-9]{0,30}") {
            let _ = parse(&text, &TestScope);
        }
    }
}
