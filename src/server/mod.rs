//! placeholder: filled by its own commit
