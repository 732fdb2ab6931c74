// replaced by the observatory page
