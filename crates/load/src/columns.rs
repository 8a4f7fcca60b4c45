//! Column builders shared by the table functions: each takes the rows and a getter, so a
//! table's batch is a list of (field, column) pairs in schema order.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array};

pub fn utf8<T>(rows: &[T], f: impl Fn(&T) -> Option<&str>) -> ArrayRef {
    // Sized once from the values' lengths, instead of growing (and copying) as it fills.
    let bytes = rows.iter().map(|r| f(r).map_or(0, str::len)).sum();
    let mut b = StringBuilder::with_capacity(rows.len(), bytes);
    for r in rows {
        b.append_option(f(r));
    }
    Arc::new(b.finish())
}

pub fn dict<T>(rows: &[T], f: impl Fn(&T) -> Option<&str>) -> ArrayRef {
    let mut b = StringDictionaryBuilder::<Int32Type>::new();
    // A run of one value (a record's rows often repeat an enum) is looked up once: the same
    // keys, one hash instead of one per row.
    let mut run: Option<(Option<&str>, usize)> = None;
    for v in rows.iter().map(&f) {
        match &mut run {
            Some((last, n)) if *last == v => *n += 1,
            _ => {
                if let Some((last, n)) = run.replace((v, 1)) {
                    b.append_options(last, n);
                }
            }
        }
    }
    if let Some((last, n)) = run {
        b.append_options(last, n);
    }
    Arc::new(b.finish())
}

pub fn i64c<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Int64Array>())
}

pub fn f64c<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Float64Array>())
}

pub fn boolc<T>(rows: &[T], f: impl Fn(&T) -> Option<bool>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<BooleanArray>())
}

pub fn date32<T>(rows: &[T], f: impl Fn(&T) -> Option<i32>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Date32Array>())
}

pub fn list_utf8<T>(rows: &[T], f: impl Fn(&T) -> &[String]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for v in f(r) {
            b.values().append_value(v);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}
